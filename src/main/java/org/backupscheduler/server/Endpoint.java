package org.backupscheduler.server;

import org.backupscheduler.config.TlsConfig;

/**
 * Where and as whom to connect to a MySQL/MariaDB server: over TCP when {@code host} is set,
 * else over the Unix socket. The password lives only in memory: {@link #toString()} never shows
 * it, so it cannot leak into a log line.
 */
public record Endpoint(String host, int port, String socket, String user, String password, TlsConfig tls) {

    public Endpoint {
        tls = tls != null ? tls : TlsConfig.DEFAULT;
    }

    /** An endpoint with the default TLS mode (preferred): the sandboxes, the drill server. */
    public Endpoint(String host, int port, String socket, String user, String password) {
        this(host, port, socket, user, password, TlsConfig.DEFAULT);
    }

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    /** Reached through its Unix socket (no host configured). */
    public boolean viaSocket() {
        return host == null;
    }

    public Endpoint withTls(TlsConfig newTls) {
        return new Endpoint(host, port, socket, user, password, newTls);
    }

    /** host:port (or the socket) for messages. */
    public String address() {
        return host != null ? host + ":" + port : socket;
    }

    @Override
    public String toString() {
        return user + "@" + address();
    }
}
