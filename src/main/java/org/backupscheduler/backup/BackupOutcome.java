package org.backupscheduler.backup;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;

/** What a run produced: the backup as recorded in the catalog. */
public record BackupOutcome(BackupRecord backup) {

    public boolean failed() {
        return backup.status() == BackupStatus.FAILED || backup.status() == BackupStatus.INVALID;
    }
}
