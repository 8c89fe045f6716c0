package org.backupscheduler.restore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * Who a server is, as it says itself: the host it runs on, its port and its datadir. Two
 * endpoints written differently (localhost vs 127.0.0.1, a socket, a DNS alias) are the same
 * server when these agree.
 */
record ServerIdentity(String hostname, int port, Path datadir, long serverId) {

    /** What the server answers, or empty when it cannot be asked (down, refused). */
    static Optional<ServerIdentity> read(Endpoint e) {
        if (e == null) {
            return Optional.empty();
        }
        try (Connection c = ServerConnections.open(e); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@hostname, @@port, @@datadir, @@server_id")) {
            rs.next();
            return Optional.of(new ServerIdentity(rs.getString(1), rs.getInt(2), normal(Path.of(rs.getString(3))),
                    rs.getLong(4)));
        } catch (SQLException ex) {
            return Optional.empty();
        }
    }

    /** The same mariadbd: one host, and one port or one datadir (two servers cannot share either). */
    boolean sameServer(ServerIdentity other) {
        return hostname.equals(other.hostname) && (port == other.port || datadir.equals(other.datadir));
    }

    /** Whether this server, running on {@code localHost}, keeps its files in {@code dir}. */
    boolean owns(Path dir, String localHost) {
        return hostname.equals(localHost) && datadir.equals(normal(dir));
    }

    static Path normal(Path p) {
        return p.toAbsolutePath().normalize();
    }

    String describe() {
        return "host " + hostname + ", port " + port + ", datadir " + datadir + ", server_id " + serverId;
    }
}
