package org.backupscheduler.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import org.backupscheduler.config.TlsConfig;

/**
 * Opens every JDBC connection to a source, replica or primary (Connector/J): over TCP, or over
 * the Unix socket through junixsocket's socket factory when only a socket is configured — which
 * also lets {@code unix_socket} accounts (root on a Debian host, no password) log in. TLS as the
 * endpoint's {@code tls:} says ({@link ConnectorTls}).
 */
public final class ServerConnections {
    private static final String UNIX_SOCKET_FACTORY = "org.newsclub.net.mysql.AFUNIXDatabaseSocketFactoryCJ";

    private ServerConnections() {
    }

    /** Connector/J's TLS properties for a TCP connection opened elsewhere: a server catalog. */
    public static Properties tlsProperties(TlsConfig tls) {
        return ConnectorTls.properties(tls, false);
    }

    public static Connection open(Endpoint endpoint) throws SQLException {
        return open(endpoint, Duration.ZERO);
    }

    /**
     * As {@link #open(Endpoint)}, every read bounded by {@code readTimeout} (zero: unbounded).
     * Connector/J's connectTimeout covers the TCP connect only: a server that accepts and never
     * sends its handshake (hung, or swapping) would keep a probe waiting for ever.
     */
    public static Connection open(Endpoint endpoint, Duration readTimeout) throws SQLException {
        Properties props = ConnectorTls.properties(endpoint.tls(), endpoint.viaSocket());
        props.setProperty("user", endpoint.user());
        props.setProperty("password", endpoint.password() == null ? "" : endpoint.password());
        props.setProperty("connectTimeout", "5000");
        props.setProperty("socketTimeout", String.valueOf(readTimeout.toMillis()));
        String url;
        if (endpoint.viaSocket()) {
            if (endpoint.socket() == null) {
                throw new SQLException("no host and no socket configured for " + endpoint.user());
            }
            props.setProperty("socketFactory", UNIX_SOCKET_FACTORY);
            props.setProperty("junixsocket.file", endpoint.socket());
            // The factory ignores the host; it is what verify-identity checks the certificate against.
            url = "jdbc:mysql://localhost/";
        } else {
            String host = endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host();
            url = "jdbc:mysql://" + host + ":" + endpoint.port() + "/";
        }
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw ConnectFailure.explain(endpoint, e);
        }
    }
}
