package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.backupscheduler.catalog.BackupPins;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.testing.LoadedPrimary;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention deletes only what this tool made, keeps a minimum of VERIFIED backups whatever the
 * buckets say, and never a backup that a restore, a verification or the drill is reading.
 */
class RetentionIT {
    @RegisterExtension
    static final LoadedPrimary PRIMARY = new LoadedPrimary("ret", 2_000);

    @TempDir
    Path dir;

    private Path config(String extra) throws IOException {
        return TestSetup.config(dir, PRIMARY.server(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                extra);
    }

    @Test
    void importOfTheRepositoryOrAnythingOverlappingItIsRefused() throws Exception {
        Path config = config(null);
        Map<String, Object> backup = run(config);
        Path repository = dir.resolve("repo");
        Path instanceDir = repository.resolve(PRIMARY.server().name());

        for (Path overlapping : List.of(repository, instanceDir, dir)) {
            Result r = TestSetup.cli("--config", config.toString(), "migrate", "hotcopy", "--import-dir",
                    overlapping.toString());
            assertEquals(2, r.exitCode(), overlapping + ": " + r);
            String how = overlapping.equals(repository) ? "is the repository"
                    : overlapping.equals(instanceDir) ? "is inside the repository " + repository
                    : "holds the repository " + repository;
            assertTrue(r.err().contains("error: import folder " + overlapping + " " + how + ": its folders are this "
                    + "tool's backups, not hotcopies; nothing was imported"), r.err());
            assertTrue(r.err().contains("HINT: pass the folder mysqlhotcopy copied into"), r.err());
        }
        List<Map<String, Object>> all = TestSetup.backups(config);
        assertEquals(List.of(backup.get("id")), all.stream().map(b -> b.get("id")).toList(), "nothing imported");
    }

    @Test
    void retentionNeverDeletesTheInstanceFolderNamedByARow() throws Exception {
        Path config = config(null);
        BackupConfig loaded = ConfigLoader.load(config);
        Path instanceDir = loaded.instanceDir();
        Map<String, Object> first = run(config);
        // What an import of the repository left before it was refused: a hotcopy row (INVALID: the
        // instance folder is no hotcopy) whose folder is the instance folder; and a damaged row of
        // our own kind naming it too. Both older than the next VERIFIED backup, so retention expires them.
        Instant hourAgo = Instant.now().minusSeconds(3600);
        try (Catalog catalog = Catalog.open(loaded.catalogUrl(), null, null)) {
            catalog.backups().insert(row(loaded.instance(), "hotcopy-ret-0badc0de", BackupType.LEGACY,
                    BackupStatus.INVALID, hourAgo, instanceDir), ProcessIdentity.current());
            catalog.backups().insert(row(loaded.instance(), "20200101-000000F", BackupType.FULL,
                    BackupStatus.FAILED, hourAgo.plusSeconds(1), instanceDir), ProcessIdentity.current());
        }

        Map<String, Object> second = run(config); // retention runs after it

        Map<String, Map<String, Object>> byId = byId(config);
        assertEquals("EXPIRED", byId.get("hotcopy-ret-0badc0de").get("status"));
        assertTrue(((String) byId.get("hotcopy-ret-0badc0de").get("reason")).contains("the hotcopy folder "
                + instanceDir + " was never ours and stays"), byId.toString());
        assertEquals("EXPIRED", byId.get("20200101-000000F").get("status"));
        assertTrue(Files.isDirectory(instanceDir), "the instance folder stays");
        for (Map<String, Object> b : List.of(first, second)) {
            assertEquals("VERIFIED", byId.get((String) b.get("id")).get("status"));
            assertTrue(Files.isRegularFile(Path.of((String) b.get("path")).resolve("manifest.json")), b.toString());
        }
    }

    @Test
    void twoBackupsInOneHourKeepTheFirstWhileMinVerifiedNeedsIt() throws Exception {
        // One hourly bucket and nothing else: the buckets alone keep one backup.
        Path config = config("retention: {hourly: 1, daily: 0, weekly: 0}");
        Map<String, Object> first = run(config);
        Map<String, Object> second = run(config);

        Map<String, Map<String, Object>> byId = byId(config);
        assertEquals("VERIFIED", byId.get((String) first.get("id")).get("status"), "min-verified 2 keeps it");
        assertTrue(Files.isDirectory(Path.of((String) first.get("path"))));

        Map<String, Object> third = run(config);
        byId = byId(config);
        assertEquals("EXPIRED", byId.get((String) first.get("id")).get("status"), "a minimum, not keep-all");
        assertTrue(((String) byId.get((String) first.get("id")).get("reason")).contains("min-verified 2"));
        assertFalse(Files.exists(Path.of((String) first.get("path"))));
        for (Map<String, Object> kept : List.of(second, third)) {
            assertEquals("VERIFIED", byId.get((String) kept.get("id")).get("status"));
        }
    }

    @Test
    void aPinnedBackupSurvivesExpireUntilItsReaderIsDone() throws Exception {
        Path config = config("retention: {hourly: 1, daily: 0, weekly: 0}");
        Map<String, Object> old = run(config);
        run(config);
        // The operator lowers the minimum: now only a pin keeps the older backup.
        Files.writeString(config, Files.readString(config).replace("weekly: 0}", "weekly: 0, min-verified: 1}"));
        BackupConfig loaded = ConfigLoader.load(config);
        String oldId = (String) old.get("id");
        Path oldDir = Path.of((String) old.get("path"));

        // A reader in another process holds a pin: expire keeps the backup.
        try (Catalog catalog = Catalog.open(loaded.catalogUrl(), null, null)) {
            BackupRecord oldRow = catalog.backups().find(loaded.instance(), oldId).orElseThrow();
            try (BackupPins.Pin pin = catalog.backups().pins().hold(loaded.instance(), List.of(oldRow), "restore")) {
                Result expire = TestSetup.cli("--config", config.toString(), "expire");
                assertEquals(0, expire.exitCode(), expire.toString());
                assertEquals("nothing to expire\n", expire.out());
                assertEquals("VERIFIED", byId(config).get(oldId).get("status"));
                assertTrue(Files.isDirectory(oldDir));
            }
        }

        // The restore drill pins what it reads: expire while it runs keeps it, and the drill passes.
        CompletableFuture<Result> drill = CompletableFuture.supplyAsync(
                () -> TestSetup.cli("--config", config.toString(), "verify", oldId, "--deep"));
        awaitScratch(loaded.instanceDir(), oldId);
        Result during = TestSetup.cli("--config", config.toString(), "expire");
        assertEquals("nothing to expire\n", during.out(), during.toString());
        Result drilled = drill.get(180, TimeUnit.SECONDS);
        assertEquals(0, drilled.exitCode(), drilled.toString());
        assertEquals("VERIFIED", byId(config).get(oldId).get("status"));

        // The pin of a reader that died counts for nothing.
        try (Catalog catalog = Catalog.open(loaded.catalogUrl(), null, null)) {
            pinByDeadProcess(catalog, loaded.instance(), oldId);
        }
        Result after = TestSetup.cli("--config", config.toString(), "expire");
        assertEquals(0, after.exitCode(), after.toString());
        assertTrue(after.out().startsWith("expired " + oldId + " VERIFIED: outside retention"), after.out());
        assertEquals("EXPIRED", byId(config).get(oldId).get("status"));
        assertFalse(Files.exists(oldDir));
    }

    private static Map<String, Object> run(Path config) throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = TestSetup.newest(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
        return b;
    }

    private static Map<String, Map<String, Object>> byId(Path config) throws IOException {
        Map<String, Map<String, Object>> byId = new java.util.HashMap<>();
        TestSetup.backups(config).forEach(b -> byId.put((String) b.get("id"), b));
        return byId;
    }

    private static BackupRecord row(String instance, String id, BackupType type, BackupStatus status, Instant at,
                                    Path path) {
        BackupRecord legacy = BackupRecord.legacy(instance, id, status, at, new BackupRecord.Contents(1L, 1),
                path.toString(), "crafted by the test");
        return type == BackupType.LEGACY ? legacy
                : BackupRecord.running(instance, id, type, null, at, legacy.engine(), null, path.toString())
                        .withStatus(status, "crafted by the test").withFinishedAt(at);
    }

    /** A pin whose owner is a process of this host that has exited. */
    private static void pinByDeadProcess(Catalog catalog, String instance, String backupId) throws Exception {
        Process p = new ProcessBuilder("sleep", "0.3").start();
        long started = p.info().startInstant().orElseThrow().toEpochMilli();
        p.waitFor();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO backup_pins (instance, pin_id, backup_id, purpose, owner_host, owner_pid, "
                        + "owner_started_at, pinned_at, expires_at) VALUES (?, 'dead', ?, 'restore', ?, ?, ?, ?, ?)")) {
            ps.setString(1, instance);
            ps.setString(2, backupId);
            ps.setString(3, ProcessIdentity.hostName());
            ps.setLong(4, p.pid());
            ps.setLong(5, started);
            ps.setLong(6, System.currentTimeMillis());
            ps.setLong(7, System.currentTimeMillis() + 3_600_000);
            ps.executeUpdate();
        }
    }

    /** Waits until a verification of {@code id} has made its scratch folder: it is reading the backup. */
    private static void awaitScratch(Path instanceDir, String id) throws InterruptedException, IOException {
        for (int i = 0; i < 1200; i++) {
            try (Stream<Path> files = Files.list(instanceDir)) {
                Optional<Path> scratch = files.filter(f -> f.getFileName().toString().startsWith(".verify-" + id))
                        .findFirst();
                if (scratch.isPresent()) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no verification of " + id + " started");
    }
}
