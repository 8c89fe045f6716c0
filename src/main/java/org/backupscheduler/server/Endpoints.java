package org.backupscheduler.server;

import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.config.SourceConfig;

/**
 * The endpoints the config describes, built in one place so that each carries its own
 * {@code tls:} and its socket: the source, a replica, and a replica's primary.
 */
public final class Endpoints {
    private Endpoints() {
    }

    public static Endpoint source(SourceConfig s, Secrets secrets) {
        return new Endpoint(s.host(), s.port(), s.socket(), s.user(),
                secrets.password("source", s.passwordFile(), s.passwordEnv()), s.tls());
    }

    public static Endpoint replica(String name, ReplicaConfig r, Secrets secrets) {
        return new Endpoint(r.host(), r.port(), r.socket(), r.user(),
                secrets.password("replicas." + name, r.passwordFile(), r.passwordEnv()), r.tls());
    }

    /**
     * The replica's primary, or null when none is configured. TCP only: the replica's own
     * replication connection ({@code CHANGE MASTER TO MASTER_HOST}) cannot use a socket.
     */
    public static Endpoint primary(String name, ReplicaConfig r, Secrets secrets) {
        ReplicaConfig.PrimaryConfig p = r.primary();
        if (p == null) {
            return null;
        }
        return new Endpoint(p.host(), p.port(), null, p.user(),
                secrets.password("replicas." + name + ".primary", p.passwordFile(), p.passwordEnv()), p.tls());
    }
}
