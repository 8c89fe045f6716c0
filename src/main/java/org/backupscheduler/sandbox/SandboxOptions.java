package org.backupscheduler.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * How a sandbox server is set up: a primary logs binlogs (ROW); a replica has a relay log; with
 * {@code tls}, TCP logins must use TLS.
 */
public record SandboxOptions(String name, int serverId, boolean binlog, boolean replica,
                             String bufferPool, Path parent, List<String> extraLines, SandboxTls tls) {

    public SandboxOptions(String name, int serverId, boolean binlog, boolean replica, String bufferPool, Path parent,
                          List<String> extraLines) {
        this(name, serverId, binlog, replica, bufferPool, parent, extraLines, null);
    }

    public static SandboxOptions primary(String name) {
        return new SandboxOptions(name, 1, true, false, "128M", Path.of("/tmp"), List.of());
    }

    /** A throw-away server on a restored copy: no binlog, nothing it writes matters. */
    public static SandboxOptions drill(String name) {
        // The copy holds the source's accounts (root may need a password or a unix socket) and,
        // from a replica, its replication settings: ignore the one, never start the other.
        return new SandboxOptions(name, 9999, false, false, "128M", Path.of("/tmp"), List.of(
                "skip-grant-tables", "skip-slave-start", "event-scheduler=OFF"));
    }

    public static SandboxOptions replica(String name, int serverId) {
        return new SandboxOptions(name, serverId, true, true, "128M", Path.of("/tmp"), List.of(
                "log-slave-updates=1"));
    }

    public SandboxOptions withExtraLines(List<String> lines) {
        return new SandboxOptions(name, serverId, binlog, replica, bufferPool, parent, lines, tls);
    }

    public SandboxOptions under(Path newParent) {
        return new SandboxOptions(name, serverId, binlog, replica, bufferPool, newParent, extraLines, tls);
    }

    public SandboxOptions withTls(SandboxTls newTls) {
        return new SandboxOptions(name, serverId, binlog, replica, bufferPool, parent, extraLines, newTls);
    }
}
