package org.backupscheduler.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens JDBC connections to a source or replica server (Connector/J, over TCP). */
public final class ServerConnections {
    private ServerConnections() {
    }

    public static Connection open(Endpoint endpoint) throws SQLException {
        if (endpoint.host() == null) {
            throw new SQLException("no host configured for " + endpoint.user()
                    + " (JDBC needs host and port; the socket is used by the engine only)");
        }
        Properties props = new Properties();
        props.setProperty("user", endpoint.user());
        props.setProperty("password", endpoint.password() == null ? "" : endpoint.password());
        props.setProperty("connectTimeout", "5000");
        props.setProperty("allowPublicKeyRetrieval", "true");
        props.setProperty("useSSL", "false");
        props.setProperty("socketTimeout", "0");
        return DriverManager.getConnection("jdbc:mysql://" + endpoint.host() + ":" + endpoint.port() + "/",
                props);
    }
}
