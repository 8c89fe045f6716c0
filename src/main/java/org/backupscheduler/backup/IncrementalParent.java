package org.backupscheduler.backup;

import java.util.Optional;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;

/**
 * The parent of the next incremental: the newest VERIFIED full or incremental backup. A chain is
 * only as good as its weakest link, so only proven backups are built upon.
 */
public final class IncrementalParent {
    private IncrementalParent() {
    }

    public static Optional<BackupRecord> choose(Backups backups, String instance) {
        return backups.listByStatus(instance, BackupStatus.VERIFIED).stream()
                .filter(b -> b.type() == BackupType.FULL || b.type() == BackupType.INCREMENTAL)
                .filter(b -> b.toLsn() != null)
                .findFirst();
    }
}
