package org.backupscheduler.storage;

import java.io.IOException;

/**
 * What happens to each chunk between the stream and the store: nothing ({@link #IDENTITY}) for
 * now; compression (zstd) and encryption ([2.3]) plug in here, one chunk at a time, so a chunk
 * is retried, checked and read back on its own. The chunk's CRC32C is taken of the stored bytes.
 */
public interface ChunkCodec {
    ChunkCodec IDENTITY = new ChunkCodec() {
        @Override
        public Bytes encode(Bytes plain) {
            return plain;
        }

        @Override
        public Bytes decode(Bytes stored) {
            return stored;
        }

        @Override
        public String name() {
            return "identity";
        }
    };

    /** A run of bytes in an array: {@code length} bytes from its start. */
    record Bytes(byte[] array, int length) {
    }

    /** The stored form of one chunk. May return {@code plain} itself; must not keep it. */
    Bytes encode(Bytes plain) throws IOException;

    /** The plain form of one stored chunk. */
    Bytes decode(Bytes stored) throws IOException;

    /** Recorded with the chunks, so a reader knows how to decode them. */
    String name();
}
