package org.backupscheduler.backup;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;

/**
 * What a run produced: the backup as recorded in the catalog, and a note for the user when the
 * run did something other than asked (an incremental that became a full), else null.
 */
public record BackupOutcome(BackupRecord backup, String note) {

    public BackupOutcome(BackupRecord backup) {
        this(backup, null);
    }

    public boolean failed() {
        return backup.status() == BackupStatus.FAILED || backup.status() == BackupStatus.INVALID;
    }
}
