package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.engine.Coordinates;
import org.junit.jupiter.api.Test;

/** An INVALID backup removed by retention still counts as INVALID in the report's findings. */
class ExpiredHistoryTest {
    private static BackupRecord row(BackupStatus status, String reason) {
        return new BackupRecord("db1", "x", BackupType.FULL, null, status, Instant.EPOCH, Instant.EPOCH,
                new BackupRecord.Contents(1L, 1), new BackupRecord.Engine("t", "v"), new BackupRecord.Lsns(0L, 1L),
                Coordinates.NONE, new BackupRecord.Source("h", 1L), "/p", reason);
    }

    @Test
    void theStatusBeforeRetentionIsReadFromTheExpirersReason() {
        assertEquals(BackupStatus.INVALID, ReportBuilder.statusBeforeRetention(row(BackupStatus.EXPIRED,
                "was INVALID: checksum verification failed: changed file data/a.ibd; expired 2026-11-24T11:00:00Z: "
                        + "INVALID and older than the newest VERIFIED backup y")));
        assertEquals(BackupStatus.VERIFIED, ReportBuilder.statusBeforeRetention(row(BackupStatus.EXPIRED,
                "was VERIFIED; expired 2026-11-24T11:00:00Z: outside retention")));
        assertEquals(BackupStatus.INVALID, ReportBuilder.statusBeforeRetention(row(BackupStatus.INVALID,
                "was VERIFIED, now checksum verification failed")));
        assertEquals(BackupStatus.EXPIRED, ReportBuilder.statusBeforeRetention(row(BackupStatus.EXPIRED, null)));
    }
}
