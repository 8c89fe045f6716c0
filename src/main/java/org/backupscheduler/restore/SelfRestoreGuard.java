package org.backupscheduler.restore;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.backupscheduler.UserError;
import org.backupscheduler.config.SourceConfig;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * Refuses a restore whose target is the backup source or the replica's own primary: moving that
 * datadir aside would take down the server every backup comes from. Compared by what the servers
 * say about themselves, read before anything changes, not by how the config spells them.
 */
final class SelfRestoreGuard {
    private SelfRestoreGuard() {
    }

    /**
     * Refuses when the target is the replica's own primary, or the backup source while that is
     * not a replica. Backing up a replica and rebuilding it from its own backup is the field
     * report's case and stays allowed; a source is taken for a replica when source.role says so,
     * or (role detect) when the target itself shows replication configured.
     */
    static void check(String name, Endpoint target, Path targetDatadir, Endpoint primary, Endpoint source,
                      SourceConfig.Role sourceRole) {
        Optional<ServerIdentity> self = ServerIdentity.read(target);
        String localHost = localHostname();
        refuseIfSame(name, self, target, targetDatadir, localHost, "its own primary (replicas." + name + ".primary)",
                primary);
        boolean sourceIsReplica = sourceRole == SourceConfig.Role.REPLICA
                || sourceRole == SourceConfig.Role.DETECT && replicating(target);
        if (!sourceIsReplica) {
            refuseIfSame(name, self, target, targetDatadir, localHost, "the backup source (source:), which is not a "
                    + "replica", source);
        }
    }

    private static void refuseIfSame(String name, Optional<ServerIdentity> self, Endpoint target, Path targetDatadir,
                                     String localHost, String what, Endpoint o) {
        if (o == null) {
            return;
        }
        Optional<ServerIdentity> them = ServerIdentity.read(o);
        String why = null;
        if (self.isPresent() && them.isPresent() && self.get().sameServer(them.get())) {
            why = "answers as " + them.get().describe();
        } else if (them.isPresent() && localHost != null && them.get().owns(targetDatadir, localHost)) {
            // The target may be down; its datadir here is still the other server's.
            why = "has its datadir " + targetDatadir + ", which " + o.address() + " on this host uses";
        } else if (sameAddress(target, o)) {
            why = "has the same address " + o.address();
        }
        if (why != null) {
            throw new UserError("replicas." + name + " (" + target.address() + ") is " + what + ": it " + why
                    + "; a restore would destroy it; nothing was changed",
                    "point replicas." + name + " at a replica whose host, port and datadir differ from it (a source "
                            + "that is this replica: set source.role: replica)", UserError.USAGE);
        }
    }

    /** Whether the running target shows replication configured (SHOW SLAVE STATUS has a row). */
    private static boolean replicating(Endpoint target) {
        try (Connection c = ServerConnections.open(target); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean sameAddress(Endpoint a, Endpoint b) {
        if (a.socket() != null && a.socket().equals(b.socket())) {
            return true;
        }
        return a.host() != null && b.host() != null && a.port() == b.port() && loopback(a.host()).equals(loopback(b.host()));
    }

    private static String loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") ? "loopback" : host;
    }

    /** gethostname(), as mariadbd reports it in @@hostname. */
    private static String localHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException ex) {
                return null;
            }
        }
    }
}
