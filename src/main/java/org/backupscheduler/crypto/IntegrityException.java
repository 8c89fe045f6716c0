package org.backupscheduler.crypto;

import java.io.IOException;

/**
 * A stored object is not the intact OpenPGP message that was written: its integrity check
 * (the SEIPD packet's modification detection code) failed, it is truncated, or it cannot be
 * parsed. The data was altered or damaged after encryption; verify turns this into INVALID,
 * restore into a failure that leaves nothing but its scratch folder (which it removes).
 */
public final class IntegrityException extends IOException {
    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
