package org.backupscheduler.sandbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Reads one value from a sandbox as root: for tests and the demo, never for user input. */
public final class SqlValues {
    private SqlValues() {
    }

    public static String single(SandboxServer server, String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public static long count(SandboxServer server, String sql) throws SQLException {
        String v = single(server, sql);
        return v == null ? 0 : Long.parseLong(v);
    }
}
