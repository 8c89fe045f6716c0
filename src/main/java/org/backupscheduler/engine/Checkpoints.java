package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code xtrabackup_checkpoints}: what kind of backup a directory holds and its LSN range.
 * {@code backup_type} is {@code full-backuped} or {@code incremental} after the backup and
 * {@code log-applied} / {@code full-prepared} after a prepare.
 */
public record Checkpoints(String backupType, Long fromLsn, Long toLsn, Long lastLsn) {

    public static Checkpoints read(Path file) throws IOException {
        return parse(KeyValueFile.read(file));
    }

    static Checkpoints parse(Map<String, String> v) {
        return new Checkpoints(v.get("backup_type"), KeyValueFile.longOrNull(v, "from_lsn"),
                KeyValueFile.longOrNull(v, "to_lsn"), KeyValueFile.longOrNull(v, "last_lsn"));
    }

    public boolean isIncremental() {
        return "incremental".equals(backupType);
    }

    /** As the engine leaves a finished, not yet prepared backup. */
    public boolean isUnprepared() {
        return "full-backuped".equals(backupType) || "incremental".equals(backupType);
    }
}
