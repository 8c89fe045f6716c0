package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The restores and restore_steps tables. */
public final class Restores {
    private final Catalog catalog;

    Restores(Catalog catalog) {
        this.catalog = catalog;
    }

    /** A restore's row as the catalog holds it. */
    public record Row(String id, String replica, String backupId, String status, String oldDatadir, String reason) {
    }

    /** Records a restore RUNNING, owned by {@code owner}: the process whose death makes it an orphan. */
    public void start(String instance, String id, String replica, String backupId, String until, Instant at,
                      ProcessIdentity owner) {
        update("INSERT INTO restores (instance, id, replica, backup_id, until_time, started_at, status, owner_host, "
                + "owner_pid, owner_started_at) VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?)", ps -> {
                    ps.setString(1, instance);
                    ps.setString(2, id);
                    ps.setString(3, replica);
                    ps.setString(4, backupId);
                    ps.setString(5, until);
                    ps.setLong(6, at.toEpochMilli());
                    ps.setString(7, owner.host());
                    ps.setLong(8, owner.pid());
                    ps.setLong(9, owner.startedAtMillis());
                });
    }

    /**
     * Where the old datadir went, recorded the moment it moved: a restore killed after this
     * still tells the operator where the replica's data is.
     */
    public void movedAside(String instance, String id, String oldDatadir) {
        update("UPDATE restores SET old_datadir=? WHERE instance=? AND id=?", ps -> {
            ps.setString(1, oldDatadir);
            ps.setString(2, instance);
            ps.setString(3, id);
        });
    }

    public Optional<Row> find(String instance, String id) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement("SELECT id, replica, "
                + "backup_id, status, old_datadir, reason FROM restores WHERE instance=? AND id=?")) {
            ps.setString(1, instance);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CatalogException("read a restore", e);
        }
    }

    /**
     * Marks FAILED the RUNNING restores of this host whose process died (SIGKILL, OOM, a reboot):
     * nothing else would ever finish them, as {@link Backups#failOrphans} does for backups. The
     * reason says where the old datadir is when it had been moved. Returns the ids marked.
     */
    public List<String> failOrphans(String instance) {
        List<String> marked = new ArrayList<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement("SELECT id, owner_host, "
                + "owner_pid, owner_started_at, old_datadir FROM restores WHERE instance=? AND status='RUNNING' "
                + "AND owner_host IS NOT NULL")) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ProcessIdentity owner = new ProcessIdentity(rs.getString(2), rs.getLong(3), rs.getLong(4));
                    if (!owner.isGoneFromThisHost()) {
                        continue;
                    }
                    String aside = rs.getString(5);
                    String reason = "the process running it (pid " + owner.pid() + " on " + owner.host()
                            + ") died before it finished; found at the next start" + (aside == null
                            ? "; the old datadir had not been moved"
                            : "; the old datadir is kept at " + aside + ": check the replica before moving it back");
                    if (markFailed(c, instance, rs.getString(1), reason)) {
                        marked.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("look for interrupted restores", e);
        }
        return marked;
    }

    /** RUNNING → FAILED; a row another process finished meanwhile is left as it is. */
    private static boolean markFailed(Connection c, String instance, String id, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE restores SET status='FAILED', reason=?, "
                + "finished_at=? WHERE instance=? AND id=? AND status='RUNNING'")) {
            ps.setString(1, reason);
            ps.setLong(2, System.currentTimeMillis());
            ps.setString(3, instance);
            ps.setString(4, id);
            return ps.executeUpdate() == 1;
        }
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
