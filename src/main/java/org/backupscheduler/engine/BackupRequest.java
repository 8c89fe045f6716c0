package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.config.EngineConfig;

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

    /**
     * The same request with the paths of the host the engine runs on: its temporary files in the
     * workspace, the incremental's parent files where the engine there can read them.
     */
    public BackupRequest in(EngineWorkspace ws) throws IOException {
        return new BackupRequest(ws.tempDir(), datadir, parallel, logCopyInterval,
                incrementalBase == null ? null : ws.incrementalBase(incrementalBase), replicaSource, safeSlaveBackup,
                extraArgs);
    }

    public static BackupRequest full(Path targetDir, Path datadir, int parallel) {
        return new BackupRequest(targetDir, datadir, parallel, EngineConfig.DEFAULT_LOG_COPY_INTERVAL, null, false, false,
                List.of());
    }
}
