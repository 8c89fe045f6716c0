package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The lock_actions table: the lock policy's audit trail. */
public final class LockActions {
    private final Catalog catalog;

    LockActions(Catalog catalog) {
        this.catalog = catalog;
    }

    /** One audited decision. */
    public record Row(String instance, Instant decidedAt, long sessionId, String backupId, String user, String host,
                      String db, String command, String state, long timeSeconds, String info, String blockerOf,
                      String rule, String action, String result) {
    }

    public void record(Row r) {
        String sql = "INSERT INTO lock_actions (instance, decided_at, session_id, backup_id, user_name, host, db, "
                + "command, state, time_seconds, info, blocker_of, rule, action, result) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, r.instance());
            ps.setLong(2, r.decidedAt().toEpochMilli());
            ps.setLong(3, r.sessionId());
            if (r.backupId() == null) {
                ps.setNull(4, Types.VARCHAR);
            } else {
                ps.setString(4, r.backupId());
            }
            ps.setString(5, r.user());
            ps.setString(6, r.host());
            ps.setString(7, r.db());
            ps.setString(8, r.command());
            ps.setString(9, r.state());
            ps.setLong(10, r.timeSeconds());
            ps.setString(11, cut(r.info(), 1000));
            ps.setString(12, cut(r.blockerOf(), 1000));
            ps.setString(13, cut(r.rule(), 255));
            ps.setString(14, r.action());
            ps.setString(15, cut(r.result(), 1000));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogException("record a lock-policy action", e);
        }
    }

    /** Newest first. */
    public List<Row> list(String instance, int limit) {
        return query("WHERE instance=? ORDER BY decided_at DESC", limit, ps -> ps.setString(1, instance));
    }

    /** Decisions in [{@code from}, {@code to}], newest first: what a report covers. */
    public List<Row> between(String instance, Instant from, Instant to) {
        return query("WHERE instance=? AND decided_at>=? AND decided_at<=? ORDER BY decided_at DESC", 0, ps -> {
            ps.setString(1, instance);
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Row> query(String where, int limit, Binder binder) {
        List<Row> out = new ArrayList<>();
        String sql = "SELECT instance, decided_at, session_id, backup_id, user_name, host, db, command, state, "
                + "time_seconds, info, blocker_of, rule, action, result FROM lock_actions " + where;
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getLong(10), rs.getString(11), rs.getString(12), rs.getString(13),
                            rs.getString(14), rs.getString(15)));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read lock-policy actions", e);
        }
        return out;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
