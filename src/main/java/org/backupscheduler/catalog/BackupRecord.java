package org.backupscheduler.catalog;

import java.time.Instant;

import org.backupscheduler.engine.Coordinates;

/** One row of the backups table. */
public record BackupRecord(String instance, String id, BackupType type, String parentId, BackupStatus status,
                           Instant startedAt, Instant finishedAt, Long sizeBytes, Integer fileCount,
                           String tool, String toolVersion, Long fromLsn, Long toLsn, Coordinates coordinates,
                           String sourceAddress, Long sourceServerId, String path, String reason) {

    public BackupRecord withStatus(BackupStatus newStatus, String newReason) {
        return new BackupRecord(instance, id, type, parentId, newStatus, startedAt, finishedAt, sizeBytes,
                fileCount, tool, toolVersion, fromLsn, toLsn, coordinates, sourceAddress, sourceServerId, path,
                newReason);
    }
}
