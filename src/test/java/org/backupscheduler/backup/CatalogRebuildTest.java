package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.migrate.LegacyMarker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code catalog rebuild} makes of each kind of folder, on folders written by hand. */
class CatalogRebuildTest {
    private static final Instant T = Instant.parse("2026-11-24T09:15:00Z");

    @TempDir
    Path dir;

    private Path folder(String id) throws Exception {
        Path d = dir.resolve("db1").resolve(id);
        Files.createDirectories(d.resolve("data"));
        Files.writeString(d.resolve("data/xtrabackup_checkpoints"), "backup_type = full-backuped\n");
        return d;
    }

    private static void manifest(Path d, Manifest.Source source, Boolean stale, String why) throws Exception {
        String id = d.getFileName().toString();
        Manifest.Builder m = Manifest.builder().format(source == null ? 1 : Manifest.FORMAT).instance("db1").id(id)
                .type("full").engine(new BackupRecord.Engine("mariadb-backup", "10.11")).startedAt(T)
                .finishedAt(T.plusSeconds(5)).lsns(new BackupRecord.Lsns(0L, 10L))
                .coordinates(new Coordinates("mysql-bin.000002", 400L, "0-2-7"))
                .server(new BackupRecord.Source("127.0.0.1:3307", 2L))
                .files(FileChecksums.ALGORITHM, FileChecksums.scan(d, done -> { })).replicaSource(source);
        if (stale != null) {
            m.stale(stale, why);
        }
        m.build().write(d);
    }

    @Test
    void everyKindOfFolderComesBackAsWhatItWas() throws Exception {
        Manifest.Source replica = new Manifest.Source("replica", null, "Slave_SQL_Running: No",
                "10.0.0.1:3306", null, null, "0-1-1500");
        String why = "replica is not replicating from 10.0.0.1:3306 (Slave_SQL_Running: No)";
        manifest(folder("20261124-091500F"), replica, true, why);
        manifest(folder("20261124-101500F"), Manifest.Source.of(SourceState.ofPrimary()), false, null);
        // format 1, taken on a replica: the engine's slave_info says so, freshness unknown
        Path old = folder("20261124-111500F");
        Files.writeString(old.resolve("data/xtrabackup_slave_info"),
                "SET GLOBAL gtid_slave_pos = '0-1-900';\nCHANGE MASTER TO master_use_gtid = slave_pos;\n");
        manifest(old, null, null, null);
        Path damaged = folder("20261124-121500F");
        manifest(damaged, Manifest.Source.of(SourceState.ofPrimary()), false, null);
        Files.writeString(damaged.resolve("data/xtrabackup_checkpoints"), "cut");
        Path refused = folder("20261124-131500F");
        Manifest.Source.of(replica.toState()).writeBeside(refused);
        RepositoryLayout.markFailed(refused, why);
        Path partial = folder("20261124-141500I");
        Files.writeString(partial.resolve("manifest.json.tmp"), "{\"format\": 2, \"inst");
        Files.createDirectories(dir.resolve("db1/.verify-20261124-091500F-123/data"));
        new LegacyMarker(LegacyMarker.FORMAT, "db1", "hotcopy-gone-0000abcd", dir.resolve("nowhere").toString(), T)
                .write(dir.resolve("db1"));

        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            Backups backups = catalog.backups();
            List<CatalogRebuild.Outcome> out = CatalogRebuild.run(dir.resolve("db1"), "db1", backups);

            Map<String, BackupStatus> statuses = out.stream().collect(Collectors.toMap(CatalogRebuild.Outcome::id,
                    CatalogRebuild.Outcome::status));
            assertEquals(Map.of("20261124-091500F", BackupStatus.STALE, "20261124-101500F", BackupStatus.COMPLETED,
                    "20261124-111500F", BackupStatus.STALE, "20261124-121500F", BackupStatus.INVALID,
                    "20261124-131500F", BackupStatus.FAILED, "20261124-141500I", BackupStatus.FAILED,
                    "hotcopy-gone-0000abcd", BackupStatus.INVALID), statuses, "scratch folders are no backups");

            assertEquals(why, backups.find("db1", "20261124-091500F").orElseThrow().reason());
            SourceState s = backups.sources().find("db1", "20261124-091500F").orElseThrow();
            assertEquals("replica", s.role());
            assertEquals("0-1-1500", s.primary().gtid(), "a restore starts at the primary's GTID");
            assertEquals("0-1-900", backups.sources().find("db1", "20261124-111500F").orElseThrow().primary().gtid());
            assertTrue(backups.find("db1", "20261124-111500F").orElseThrow().reason()
                    .contains("does not record whether the replica was current"));
            assertEquals("primary", backups.sources().find("db1", "20261124-101500F").orElseThrow().role());
            assertEquals("file data/xtrabackup_checkpoints has 3 bytes, manifest.json says 28 (found by catalog "
                    + "rebuild)", backups.find("db1", "20261124-121500F").orElseThrow().reason());
            assertEquals(why + " (found by catalog rebuild)",
                    backups.find("db1", "20261124-131500F").orElseThrow().reason());
            assertEquals("Slave_SQL_Running: No",
                    backups.sources().find("db1", "20261124-131500F").orElseThrow().replication());
            var partialRow = backups.find("db1", "20261124-141500I").orElseThrow();
            assertEquals(T.plusSeconds(5 * 3600), partialRow.startedAt(), "the start time is read from the id");
            assertEquals("incremental", partialRow.type().word());
            assertTrue(partialRow.reason().startsWith("no complete manifest.json: a partial folder"));
            assertTrue(backups.find("db1", "hotcopy-gone-0000abcd").orElseThrow().reason().contains("is gone"));
            // restore --latest takes VERIFIED backups only: none of these is one before verification
            assertFalse(backups.newest("db1", BackupStatus.VERIFIED).isPresent());

            // a second run changes nothing
            assertTrue(CatalogRebuild.run(dir.resolve("db1"), "db1", backups).stream().noneMatch(
                    CatalogRebuild.Outcome::inserted));
        }
    }
}
