package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The backup_sources table: what the source was when each backup was taken. */
public final class BackupSources {
    private final Catalog catalog;

    BackupSources(Catalog catalog) {
        this.catalog = catalog;
    }

    public void record(String instance, String backupId, SourceState s) {
        String sql = "INSERT INTO backup_sources (instance, backup_id, role, lag_seconds, replication, "
                + "primary_address, primary_binlog_file, primary_binlog_position, primary_gtid) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, backupId);
            ps.setString(3, s.role());
            setLong(ps, 4, s.lagSeconds());
            ps.setString(5, s.replication());
            ps.setString(6, s.primaryAddress());
            ps.setString(7, s.primary().binlogFile());
            setLong(ps, 8, s.primary().binlogPosition());
            ps.setString(9, s.primary().gtid());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogException("record the source of backup " + backupId, e);
        }
    }

    public Optional<SourceState> find(String instance, String backupId) {
        String sql = "SELECT role, lag_seconds, replication, primary_address, primary_binlog_file, "
                + "primary_binlog_position, primary_gtid FROM backup_sources WHERE instance=? AND backup_id=?";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, backupId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SourceState(rs.getString(1), getLong(rs, 2), rs.getString(3),
                        rs.getString(4), new Coordinates(rs.getString(5), getLong(rs, 6), rs.getString(7))));
            }
        } catch (SQLException e) {
            throw new CatalogException("read the source of backup " + backupId, e);
        }
    }

    /**
     * The sources of every backup taken of a replica, by backup id, in one query: the report
     * reads a year of hourly runs, and one query per backup made it take seconds.
     */
    public Map<String, SourceState> replicasOf(String instance) {
        String sql = "SELECT backup_id, role, lag_seconds, replication, primary_address, primary_binlog_file, "
                + "primary_binlog_position, primary_gtid FROM backup_sources WHERE instance=? AND role=?";
        Map<String, SourceState> found = new HashMap<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, SourceState.REPLICA);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new SourceState(rs.getString(2), getLong(rs, 3), rs.getString(4),
                            rs.getString(5), new Coordinates(rs.getString(6), getLong(rs, 7), rs.getString(8))));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read the replica sources of " + instance, e);
        }
        return found;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
