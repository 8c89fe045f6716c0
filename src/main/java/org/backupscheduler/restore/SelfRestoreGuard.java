package org.backupscheduler.restore;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.UserError;
import org.backupscheduler.server.Endpoint;

/**
 * Refuses a restore whose target is the backup source or the replica's own primary: moving that
 * datadir aside would take down the server every backup comes from. Compared by what the servers
 * say about themselves, read before anything changes, not by how the config spells them.
 */
final class SelfRestoreGuard {
    private SelfRestoreGuard() {
    }

    /**
     * @param others what the target must not be ("the backup source (source:)" → its endpoint)
     */
    static void check(String name, Endpoint target, Path targetDatadir, Map<String, Endpoint> others) {
        Optional<ServerIdentity> self = ServerIdentity.read(target);
        String localHost = localHostname();
        for (Map.Entry<String, Endpoint> other : new LinkedHashMap<>(others).entrySet()) {
            Endpoint o = other.getValue();
            if (o == null) {
                continue;
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
                throw new UserError("replicas." + name + " (" + target.address() + ") is " + other.getKey() + ": it "
                        + why + "; a restore would destroy it; nothing was changed",
                        "point replicas." + name + " at a replica whose host, port and datadir differ from it",
                        UserError.USAGE);
            }
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
