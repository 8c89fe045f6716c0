package org.backupscheduler.engine;

import java.util.Map;

/**
 * What a backup stream holds, learnt while it passed: every file (path as the stream names it,
 * '/'-separated, relative to the backup's root) with its size, the contents of the few small files
 * that were asked for, and the stream's own length.
 */
public record StreamListing(Map<String, Long> files, Map<String, byte[]> captured, long streamBytes) {
    public StreamListing {
        files = Map.copyOf(files);
        captured = Map.copyOf(captured);
    }
}
