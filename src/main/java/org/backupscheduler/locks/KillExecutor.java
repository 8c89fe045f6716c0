package org.backupscheduler.locks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * Carries out a decision, safely: the session is read again right before acting — it must still
 * be there, with the same user and statement, and not younger than when decided (a new
 * statement on a reused connection is someone else's work) — and KILL takes a numeric id only.
 */
public final class KillExecutor {
    private KillExecutor() {
    }

    /** What happened, for the audit: "killed", "gone", "changed: ...", "printed", "error: ...". */
    public static String execute(Connection c, Decision d) {
        if (!d.acts()) {
            return d.rule().equals("print") ? "printed (print mode kills nothing)" : "not killed";
        }
        Session before = d.session();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT USER, INFO, TIME FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, before.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "gone before the kill";
                }
                if (!Objects.equals(rs.getString(1), before.user()) || !Objects.equals(rs.getString(2), before.info())
                        || rs.getLong(3) < before.timeSeconds()) {
                    return "changed since the snapshot: not killed";
                }
            }
            long id = before.id(); // a number from the server, never text
            try (Statement st = c.createStatement()) {
                st.execute((d.kind() == Decision.Kind.KILL ? "KILL " : "KILL QUERY ") + id);
            }
            return d.kind() == Decision.Kind.KILL ? "killed" : "query killed";
        } catch (SQLException e) {
            return "error: " + e.getMessage();
        }
    }
}
