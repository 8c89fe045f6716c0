package org.backupscheduler.storage;

import java.util.Locale;

/**
 * One chunk object of a stream: its place in the stream, its key, the size and CRC32C of what
 * lies in the store, and the size of the plain bytes it holds (differs once a codec compresses).
 */
public record Chunk(int index, String key, long size, long crc32c, long plainSize) {
    /** The CRC as written in manifests and messages: 0x and eight hex digits. */
    public static String hex(long crc) {
        return String.format(Locale.ROOT, "0x%08x", crc);
    }

    /** {@code <prefix>/chunks/00000000}: eight digits, so keys sort in stream order. */
    public static String keyOf(String prefix, int index) {
        return Keys.join(prefix, String.format(Locale.ROOT, "chunks/%08d", index));
    }
}
