package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.engine.Coordinates;
import org.junit.jupiter.api.Test;

class ArchiveRetentionTest {
    private static BackupRecord backup(BackupStatus status, String binlogFile) {
        return new BackupRecord("db1", "b-" + binlogFile, BackupType.FULL, null, status, Instant.EPOCH, Instant.EPOCH,
                null, new BackupRecord.Engine("mariabackup", "10.11"), null,
                new Coordinates(binlogFile, binlogFile == null ? null : 4L, null), null, "/p", null);
    }

    private static BinlogFileRecord file(String name, boolean sealed) {
        return new BinlogFileRecord("db1", name, 1L, "", "", "", Instant.EPOCH, Instant.EPOCH, 10, "c", Instant.EPOCH,
                sealed ? Instant.EPOCH : null);
    }

    private static final List<BinlogFileRecord> ARCHIVE = List.of(file("bin.000008", true), file("bin.000009", true),
            file("bin.000010", true), file("bin.000011", true), file("bin.000012", false));

    @Test
    void everySealedFileBeforeTheOldestKeptBackupsFileGoesAndNothingFromIt() {
        List<BackupRecord> kept = List.of(backup(BackupStatus.VERIFIED, "bin.000011"),
                backup(BackupStatus.VERIFIED, "bin.000010"));
        assertEquals(List.of("bin.000008", "bin.000009"), ArchiveRetention.removable(kept, ARCHIVE));
    }

    @Test
    void expiredFailedAndSkippedRowsNeedNothingButInvalidAndCompletedOnesStillHoldData() {
        List<BackupRecord> rows = List.of(backup(BackupStatus.VERIFIED, "bin.000011"),
                backup(BackupStatus.EXPIRED, "bin.000008"), backup(BackupStatus.FAILED, "bin.000008"),
                backup(BackupStatus.SKIPPED, "bin.000008"), backup(BackupStatus.INVALID, "bin.000009"));
        assertEquals(List.of("bin.000008"), ArchiveRetention.removable(rows, ARCHIVE));
        assertEquals(List.of("bin.000008", "bin.000009", "bin.000010"),
                ArchiveRetention.removable(rows.subList(0, 4), ARCHIVE));
    }

    @Test
    void withNoKeptBackupNamingAFileNothingGoes() {
        // Every backup expired, or only backups without coordinates (an imported hotcopy): the
        // archive is not emptied.
        assertEquals(List.of(), ArchiveRetention.removable(List.of(), ARCHIVE));
        assertEquals(List.of(), ArchiveRetention.removable(List.of(backup(BackupStatus.EXPIRED, "bin.000012"),
                backup(BackupStatus.LEGACY, null)), ARCHIVE));
    }

    @Test
    void numbersCompareAsNumbersAndAnotherBaseNameStays() {
        List<BinlogFileRecord> archive = List.of(file("old-base.000001", true), file("bin.999999", true),
                file("bin.1000000", true), file("bin.1000001", true));
        assertEquals(List.of("bin.999999", "bin.1000000"),
                ArchiveRetention.removable(List.of(backup(BackupStatus.VERIFIED, "bin.1000001")), archive));
    }
}
