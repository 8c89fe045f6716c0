package org.backupscheduler.storage;

import java.io.IOException;

/** A chunk read back is not what was written: its size or CRC32C differs from the record. Names the object. */
public final class ChunkCorruptException extends IOException {
    private final String key;

    public ChunkCorruptException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The object that is wrong. */
    public String key() {
        return key;
    }
}
