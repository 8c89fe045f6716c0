package org.backupscheduler.verify;

import java.util.List;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;

/** A backup before and after verification, and each level's result. */
public record VerificationOutcome(BackupRecord before, BackupRecord after, List<LevelResult> results) {

    public boolean valid() {
        return results.stream().allMatch(LevelResult::ok) && after.status() != BackupStatus.INVALID;
    }
}
