package org.backupscheduler.engine;

import java.util.Map;

/**
 * What a backup stream holds, learnt while it passed: every file (path as the stream names it,
 * '/'-separated, relative to the backup's root) with its size, the contents of the few small files
 * that were asked for, the stream's own length, and each file's CRC32C (hex, as the manifest
 * writes it) where the stream gave the file front to back.
 */
public record StreamListing(Map<String, Long> files, Map<String, byte[]> captured, long streamBytes,
                            Map<String, String> checksums) {
    public StreamListing {
        files = Map.copyOf(files);
        captured = Map.copyOf(captured);
        checksums = Map.copyOf(checksums);
    }
}
