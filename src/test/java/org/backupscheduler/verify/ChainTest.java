package org.backupscheduler.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.engine.Coordinates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken chain names the broken link; the parent's own reason is not copied into the child's. */
class ChainTest {
    @TempDir
    Path dir;

    private static BackupRecord row(String id, BackupType type, String parent, BackupStatus status, String reason) {
        return new BackupRecord("db1", id, type, parent, status, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:01:00Z"), new BackupRecord.Contents(1L, 1),
                new BackupRecord.Engine("mariabackup", "10.11"), new BackupRecord.Lsns(1L, 2L), Coordinates.NONE,
                new BackupRecord.Source("h", 1L), "/repo/db1/" + id, reason);
    }

    @Test
    void aBrokenLinkIsNamedNotNested() {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            catalog.backups().insert(row("f", BackupType.FULL, null, BackupStatus.INVALID,
                    "was VERIFIED, now checksum verification failed: changed file data/a.ibd"), ProcessIdentity.current());
            BackupRecord child = row("i", BackupType.INCREMENTAL, "f", BackupStatus.COMPLETED, null);
            catalog.backups().insert(child, ProcessIdentity.current());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Chain.of(catalog.backups(), child));
            assertEquals("the chain is broken: parent f is INVALID ('backup show f' says why)", e.getMessage());
        }
    }
}
