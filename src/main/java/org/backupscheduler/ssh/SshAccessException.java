package org.backupscheduler.ssh;

import java.io.IOException;

/**
 * An SSH session that could not be opened, and why: the host key refused ({@code HOST_KEY}: not
 * in known-hosts, or changed), our key refused ({@code LOGIN}), or no server answering
 * ({@code UNREACHABLE}). The message names the server and the values; each caller adds the hint
 * in its own config's words.
 */
public final class SshAccessException extends IOException {
    public enum Kind { HOST_KEY, LOGIN, UNREACHABLE }

    private final Kind kind;

    SshAccessException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
