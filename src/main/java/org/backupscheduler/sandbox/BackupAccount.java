package org.backupscheduler.sandbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The least-privilege account the engine connects as on MariaDB 10.11: RELOAD (BACKUP STAGE,
 * FLUSH), PROCESS (InnoDB status), BINLOG MONITOR (binlog coordinates) and SLAVE MONITOR (a
 * replica's state, for the freshness gate and {@code --slave-info}) and CONNECTION ADMIN (the lock
 * policy kills other users' sessions). Created on sandboxes
 * for the demo and the tests; docs/configuration.md gives the same grants for real servers.
 */
public final class BackupAccount {
    public static final String GRANTS = "RELOAD, PROCESS, BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN";

    private BackupAccount() {
    }

    /** Creates {@code user} for TCP (127.0.0.1) and socket (localhost) logins. */
    public static void create(SandboxServer server, String user, String password) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            for (String host : new String[] {"127.0.0.1", "localhost"}) {
                // CREATE USER takes no placeholders: the password goes in as an escaped literal.
                try (PreparedStatement quote = c.prepareStatement("SELECT QUOTE(?), QUOTE(?)")) {
                    quote.setString(1, user);
                    quote.setString(2, password);
                    try (var rs = quote.executeQuery()) {
                        rs.next();
                        String u = rs.getString(1) + "@'" + host + "'";
                        st.execute("CREATE USER IF NOT EXISTS " + u + " IDENTIFIED BY " + rs.getString(2));
                        st.execute("GRANT " + GRANTS + " ON *.* TO " + u);
                    }
                }
            }
        }
    }
}
