package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The binlog_files table: the archive's index, one row per file, written as each upload lands. */
public final class BinlogFiles {
    private static final String COLUMNS = "instance, file_name, server_id, gtid_list_start, first_gtids, last_gtids, "
            + "first_event_at, last_event_at, size_bytes, checksum, archived_at, sealed_at";

    private final Catalog catalog;

    BinlogFiles(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Records {@code r} (a new file, a longer prefix of the open one, or its seal). A sealed row is
     * final: a late prefix of the same file does not overwrite it.
     */
    public void record(BinlogFileRecord r) {
        try (Connection c = catalog.connection()) {
            c.setAutoCommit(false);
            // UPDATE then INSERT: the same two statements on H2 and MySQL/MariaDB. One archiver
            // writes an instance's rows, so no other writer comes between them.
            try (PreparedStatement up = c.prepareStatement("UPDATE binlog_files SET server_id=?, gtid_list_start=?, "
                    + "first_gtids=?, last_gtids=?, first_event_at=?, last_event_at=?, size_bytes=?, checksum=?, "
                    + "archived_at=?, sealed_at=? WHERE instance=? AND file_name=? AND sealed_at IS NULL")) {
                int i = bindValues(up, r, 0);
                up.setString(++i, r.instance());
                up.setString(++i, r.fileName());
                if (up.executeUpdate() == 0 && find(c, r.instance(), r.fileName()) == null) {
                    try (PreparedStatement in = c.prepareStatement("INSERT INTO binlog_files (" + COLUMNS
                            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        in.setString(1, r.instance());
                        in.setString(2, r.fileName());
                        bindValues(in, r, 2);
                        in.executeUpdate();
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new CatalogException("record archived binlog " + r.fileName(), e);
        }
    }

    /** Removes the index row of {@code fileName} (the archive's retention, after its objects are gone). */
    public void remove(String instance, String fileName) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM binlog_files WHERE instance=? AND file_name=?")) {
            ps.setString(1, instance);
            ps.setString(2, fileName);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogException("remove archived binlog " + fileName + " from the index", e);
        }
    }

    /** Every archived file of the instance, in the server's order (names sort as they were written). */
    public List<BinlogFileRecord> list(String instance) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM binlog_files WHERE instance=? ORDER BY file_name")) {
            ps.setString(1, instance);
            List<BinlogFileRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CatalogException("read the binlog archive's index", e);
        }
    }

    private static BinlogFileRecord find(Connection c, String instance, String fileName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM binlog_files WHERE instance=? AND file_name=?")) {
            ps.setString(1, instance);
            ps.setString(2, fileName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static int bindValues(PreparedStatement ps, BinlogFileRecord r, int i) throws SQLException {
        Backups.setLong(ps, ++i, r.serverId());
        ps.setString(++i, r.gtidListStart());
        ps.setString(++i, r.firstGtids());
        ps.setString(++i, r.lastGtids());
        Backups.setTime(ps, ++i, r.firstEventAt());
        Backups.setTime(ps, ++i, r.lastEventAt());
        ps.setLong(++i, r.sizeBytes());
        ps.setString(++i, r.checksum());
        Backups.setTime(ps, ++i, r.archivedAt());
        Backups.setTime(ps, ++i, r.sealedAt());
        return i;
    }

    private static BinlogFileRecord read(ResultSet rs) throws SQLException {
        return new BinlogFileRecord(rs.getString("instance"), rs.getString("file_name"),
                Backups.longOrNull(rs, "server_id"), rs.getString("gtid_list_start"), rs.getString("first_gtids"),
                rs.getString("last_gtids"), Backups.time(rs, "first_event_at"), Backups.time(rs, "last_event_at"),
                rs.getLong("size_bytes"), rs.getString("checksum"), Backups.time(rs, "archived_at"), Backups.time(rs, "sealed_at"));
    }
}
