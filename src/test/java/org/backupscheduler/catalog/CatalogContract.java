package org.backupscheduler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.backupscheduler.engine.Coordinates;

/**
 * What every catalog database must do, run against each one we support: H2, MariaDB, MySQL.
 * The migrations ran when the catalog was opened.
 */
final class CatalogContract {
    private CatalogContract() {
    }

    static void check(Catalog catalog) {
        Backups backups = catalog.backups();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        BackupRecord running = new BackupRecord("db1", "20261124-090000F", BackupType.FULL, null,
                BackupStatus.RUNNING, t0, null, null, null, "mariabackup", "10.11.19-MariaDB", null, null,
                Coordinates.NONE, "127.0.0.1:3306", null, "/repo/db1/20261124-090000F", null);
        backups.insert(running, ProcessIdentity.current());
        // The id is the key: a second process that picked it in the same second is told, not failed.
        BackupRecord sameSecond = new BackupRecord("db1", running.id(), BackupType.FULL, null, BackupStatus.SKIPPED,
                t0, t0, null, null, "mariabackup", "10.11.19-MariaDB", null, null, Coordinates.NONE,
                "127.0.0.1:3306", null, running.path(), "another run holds the lease");
        assertFalse(backups.insertIfNew(sameSecond, ProcessIdentity.current()));
        assertEquals(running, backups.find("db1", running.id()).orElseThrow(), "the first row is untouched");

        BackupRecord completed = new BackupRecord("db1", running.id(), BackupType.FULL, null, BackupStatus.COMPLETED,
                t0, t0.plusSeconds(42), 123_456_789_012L, 321, "mariabackup", "10.11.19-MariaDB", 0L, 44404L,
                new Coordinates("bin.000001", 1277L, "0-7-5"), "127.0.0.1:3306", 7L, running.path(), null);
        backups.update(completed);
        assertEquals(completed, backups.find("db1", running.id()).orElseThrow());

        // A RUNNING row left by a process that is gone (pid 0 is never a live process) becomes FAILED.
        BackupRecord orphan = new BackupRecord("db1", "20261124-100000F", BackupType.FULL, null,
                BackupStatus.RUNNING, t0.plusSeconds(3600), null, null, null, "mariabackup", "10.11.19-MariaDB",
                null, null, Coordinates.NONE, "127.0.0.1:3306", null, "/repo/db1/20261124-100000F", null);
        backups.insert(orphan, new ProcessIdentity(ProcessIdentity.hostName(), Integer.MAX_VALUE - 1, 1L));
        assertEquals(List.of(orphan.id()), backups.failOrphans("db1"));
        BackupRecord failed = backups.find("db1", orphan.id()).orElseThrow();
        assertEquals(BackupStatus.FAILED, failed.status());
        assertTrue(failed.reason().contains("died"), failed.reason());
        // The live one (ours) is left alone.
        assertEquals(List.of(), backups.failOrphans("db1"));

        List<BackupRecord> newestFirst = backups.list("db1", 10, 0);
        assertEquals(List.of(orphan.id(), running.id()), newestFirst.stream().map(BackupRecord::id).toList());
        assertEquals(List.of(running.id()), backups.list("db1", 10, 1).stream().map(BackupRecord::id).toList());
        assertEquals(List.of(), backups.list("other", 10, 0));
    }
}
