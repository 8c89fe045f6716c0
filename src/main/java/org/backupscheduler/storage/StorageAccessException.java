package org.backupscheduler.storage;

import java.io.IOException;

/**
 * The store cannot be used as configured: not reachable, our credentials refused, the bucket or
 * folder missing, a host key unknown or changed. One line naming the store and what it said, and
 * a hint naming the setting to fix; never a secret.
 */
public final class StorageAccessException extends IOException {
    /** What kind of fix it takes: configuration (exit 2) or the network/store itself (exit 1). */
    public enum Kind {
        /** Refused credentials, a missing bucket, an unknown or changed host key: fix the config. */
        CONFIG,
        /** The store did not answer or failed: retry later, or fix the network. */
        UNREACHABLE
    }

    private final Kind kind;
    private final String hint;

    public StorageAccessException(Kind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hint = hint;
    }

    public Kind kind() {
        return kind;
    }

    public String hint() {
        return hint;
    }
}
