package org.backupscheduler.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to back up and how: the engine builds its command line from this, never from strings
 * patched together. {@code incrementalBase} is null for a full backup.
 */
public record BackupRequest(Path targetDir, Path datadir, int parallel, Duration logCopyInterval,
                            Path incrementalBase, boolean replicaSource, boolean safeSlaveBackup,
                            List<String> extraArgs) {

    public BackupRequest {
        extraArgs = List.copyOf(extraArgs);
    }

    /** The same request with the engine's temporary files in {@code dir} (on the host it runs on). */
    public BackupRequest withTargetDir(Path dir) {
        return new BackupRequest(dir, datadir, parallel, logCopyInterval, incrementalBase, replicaSource,
                safeSlaveBackup, extraArgs);
    }

    public static BackupRequest full(Path targetDir, Path datadir, int parallel) {
        return new BackupRequest(targetDir, datadir, parallel, Duration.ofMillis(100), null, false, false, List.of());
    }
}
