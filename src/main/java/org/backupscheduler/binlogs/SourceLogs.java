package org.backupscheduler.binlogs;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/** What the archive asks the server it follows: its binlogs, and (poll mode) to close the open one. */
final class SourceLogs {
    private SourceLogs() {
    }

    /** SHOW BINARY LOGS, oldest first (BINLOG MONITOR). */
    static List<String> list(Endpoint source) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Connection c = ServerConnections.open(source); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    /** FLUSH BINARY LOGS (RELOAD): the open file is closed and a new one begun. */
    static void flush(Endpoint source) throws SQLException {
        try (Connection c = ServerConnections.open(source); Statement st = c.createStatement()) {
            st.execute("FLUSH BINARY LOGS");
        }
    }
}
