package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/** The restores and restore_steps tables. */
public final class Restores {
    private final Catalog catalog;

    Restores(Catalog catalog) {
        this.catalog = catalog;
    }

    public void start(String instance, String id, String replica, String backupId, String until, Instant at) {
        update("INSERT INTO restores (instance, id, replica, backup_id, until_time, started_at, status) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'RUNNING')", ps -> {
                    ps.setString(1, instance);
                    ps.setString(2, id);
                    ps.setString(3, replica);
                    ps.setString(4, backupId);
                    ps.setString(5, until);
                    ps.setLong(6, at.toEpochMilli());
                });
    }

    public void step(String instance, String id, int seq, String step, Instant start, Duration took, boolean ok,
                     String detail) {
        update("INSERT INTO restore_steps (instance, restore_id, seq, step, started_at, duration_ms, ok, detail) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, instance);
                    ps.setString(2, id);
                    ps.setInt(3, seq);
                    ps.setString(4, step);
                    ps.setLong(5, start.toEpochMilli());
                    ps.setLong(6, took.toMillis());
                    ps.setBoolean(7, ok);
                    ps.setString(8, detail == null || detail.length() <= 4000 ? detail : detail.substring(0, 3997) + "...");
                });
    }

    public void finish(String instance, String id, String status, String oldDatadir, String reason, Instant at) {
        update("UPDATE restores SET status=?, old_datadir=?, reason=?, finished_at=? WHERE instance=? AND id=?",
                ps -> {
                    ps.setString(1, status);
                    ps.setString(2, oldDatadir);
                    ps.setString(3, reason == null || reason.length() <= 4000 ? reason : reason.substring(0, 3997) + "...");
                    ps.setLong(4, at.toEpochMilli());
                    ps.setString(5, instance);
                    ps.setString(6, id);
                });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, Binder binder) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogException("record a restore", e);
        }
    }
}
