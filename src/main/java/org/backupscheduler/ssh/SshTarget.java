package org.backupscheduler.ssh;

import java.nio.file.Path;

/**
 * An SSH server and the files that prove who we and it are: {@code identityFile} our private key
 * (0600), {@code knownHosts} the host keys we accept (OpenSSH's format). {@code configKey} names
 * the config section they came from ({@code repository.sftp}, {@code source.ssh}), for messages.
 */
public record SshTarget(String user, String host, int port, Path identityFile, Path knownHosts, String configKey) {

    /** {@code user@host:port}. */
    public String address() {
        return user + "@" + host + ":" + port;
    }
}
