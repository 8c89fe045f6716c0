package org.backupscheduler.server;

/**
 * Where and as whom to connect to a MySQL/MariaDB server. The password lives only in memory:
 * {@link #toString()} never shows it, so it cannot leak into a log line.
 */
public record Endpoint(String host, int port, String socket, String user, String password) {

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
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
