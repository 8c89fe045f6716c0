package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.engine.Coordinates;

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
     * The sources of these backups of one instance, by backup id (a backup without a row is
     * absent): one query per 500 ids instead of one per backup (a page of {@code list}).
     */
    public Map<String, SourceState> of(String instance, List<String> backupIds) {
        Map<String, SourceState> found = new HashMap<>();
        for (int from = 0; from < backupIds.size(); from += 500) {
            List<String> ids = backupIds.subList(from, Math.min(backupIds.size(), from + 500));
            String sql = "SELECT backup_id, role, lag_seconds, replication, primary_address, primary_binlog_file, "
                    + "primary_binlog_position, primary_gtid FROM backup_sources WHERE instance=? AND backup_id IN ("
                    + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")";
            try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, instance);
                for (int i = 0; i < ids.size(); i++) {
                    ps.setString(i + 2, ids.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), new SourceState(rs.getString(2), getLong(rs, 3), rs.getString(4),
                                rs.getString(5), new Coordinates(rs.getString(6), getLong(rs, 7), rs.getString(8))));
                    }
                }
            } catch (SQLException e) {
                throw new CatalogException("read the sources of " + ids.size() + " backups of " + instance, e);
            }
        }
        return found;
    }

    /** A backup of a replica with what its source was at the time. */
    public record ReplicaBackup(BackupRecord backup, SourceState source) {
    }

    /**
     * The backups taken of a replica that started in [from, to), oldest first, with their
     * sources: one indexed query, however many primary backups the window holds.
     */
    public List<ReplicaBackup> replicaBackupsBetween(String instance, Instant from, Instant to) {
        String sql = "SELECT b.*, s.role, s.lag_seconds, s.replication, s.primary_address, s.primary_binlog_file, "
                + "s.primary_binlog_position, s.primary_gtid FROM backups b JOIN backup_sources s "
                + "ON s.instance = b.instance AND s.backup_id = b.id "
                + "WHERE b.instance=? AND s.role=? AND b.started_at>=? AND b.started_at<? ORDER BY b.started_at, b.id";
        List<ReplicaBackup> found = new ArrayList<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, SourceState.REPLICA);
            ps.setLong(3, from.toEpochMilli());
            ps.setLong(4, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new ReplicaBackup(Backups.read(rs), new SourceState(rs.getString("role"),
                            getLong(rs, "lag_seconds"), rs.getString("replication"), rs.getString("primary_address"),
                            new Coordinates(rs.getString("primary_binlog_file"),
                                    getLong(rs, "primary_binlog_position"), rs.getString("primary_gtid")))));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read the replica backups of " + instance, e);
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

    private static Long getLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
