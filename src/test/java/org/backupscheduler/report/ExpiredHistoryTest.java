package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.ExpiredReason;
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

    /**
     * A VERIFIED backup found damaged, then expired: the report said "is INVALID: was INVALID: was
     * VERIFIED, now ...". The status once, the history once.
     */
    @Test
    void anExpiredInvalidBackupIsSaidInvalidOnce() {
        String verifierReason = "was VERIFIED, now checksum verification failed: changed file data/a.ibd";
        String expired = new ExpiredReason(BackupStatus.INVALID, verifierReason,
                "2026-11-24T11:00:00Z: INVALID and older than the newest VERIFIED backup y").text();
        assertEquals("was INVALID: " + verifierReason + "; expired 2026-11-24T11:00:00Z: INVALID and older than the "
                + "newest VERIFIED backup y", expired);
        assertEquals("backup x is INVALID: was VERIFIED, now checksum verification failed: changed file data/a.ibd; "
                + "expired since by retention", ReportBuilder.invalidFinding(row(BackupStatus.EXPIRED, expired)));
        assertEquals("backup x is INVALID: " + verifierReason,
                ReportBuilder.invalidFinding(row(BackupStatus.INVALID, verifierReason)));
    }

    @Test
    void theExpiredReasonReadsBackWhatItWrote() {
        ExpiredReason r = new ExpiredReason(BackupStatus.FAILED, "engine exited 1; see backup.log",
                "2026-11-24T11:00:00Z: outside retention; the hotcopy folder /a was never ours and stays");
        assertEquals(r, ExpiredReason.parse(r.text()).orElseThrow());
        ExpiredReason none = new ExpiredReason(BackupStatus.VERIFIED, null, "2026-11-24T11:00:00Z: outside retention");
        assertEquals(none, ExpiredReason.parse(none.text()).orElseThrow());
        assertEquals(java.util.Optional.empty(), ExpiredReason.parse("was VERIFIED, now checksum verification failed"));
    }
}
