package org.backupscheduler.config;

import java.nio.file.Path;

/**
 * {@code source.ssh:}: the engine runs on the database host through SSH, logged in as {@code user}
 * with the key in {@code identity-file} (0600), the host's key checked against {@code known-hosts}.
 */
public record SshConfig(String host, Integer port, String user, Path identityFile, Path knownHosts) {
    public SshConfig {
        port = port != null ? port : 22;
    }
}
