package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.testing.LoadedPrimary;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One run per instance at a time, and retention that keeps the newest valid backups. */
class LeaseIT {
    @RegisterExtension
    static final LoadedPrimary PRIMARY = new LoadedPrimary("lse", 20_000);

    @TempDir
    Path dir;

    private Path config(String extra) throws IOException {
        return TestSetup.config(dir, PRIMARY.server(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                extra);
    }

    private List<Map<String, Object>> list(Path config) throws IOException {
        return TestSetup.backups(config);
    }

    @Test
    void aSecondConcurrentRunIsSkippedNamingTheHolder() throws Exception {
        Path config = config(null);
        Result first;
        Result second;
        // A long MyISAM update holds the first run in its lock phase while the second starts.
        CompletableFuture<Void> blocker = CompletableFuture.runAsync(() -> {
            try {
                PRIMARY.server().execute("UPDATE shop.audit SET event = CONCAT(event, '') WHERE SLEEP(0.0005) = 0");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        CompletableFuture<Result> running = CompletableFuture.supplyAsync(
                () -> TestSetup.cli("--config", config.toString(), "run"));
        waitForLease(config);
        second = TestSetup.cli("--config", config.toString(), "run");
        first = running.get(120, TimeUnit.SECONDS);
        blocker.get(120, TimeUnit.SECONDS);

        assertEquals(4, second.exitCode(), second.toString());
        assertTrue(second.err().contains("SKIPPED: another run holds the lease of lse"), second.err());
        assertTrue(second.err().contains("pid " + ProcessHandle.current().pid()), second.err());
        assertEquals(0, first.exitCode(), first.toString());
        List<String> statuses = list(config).stream().map(b -> (String) b.get("status")).toList();
        assertTrue(statuses.contains("SKIPPED") && statuses.contains("VERIFIED"), statuses.toString());
    }

    @Test
    void aDeadHoldersLeaseIsTakenOver() throws Exception {
        Path config = config(null);
        // As a run SIGKILLed on this host leaves it: a lease row of a process that is gone.
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null);
             var c = catalog.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO leases VALUES ('lse', 'dead', ?, ?, 1, 1, ?)")) {
            ps.setString(1, ProcessIdentity.hostName());
            ps.setLong(2, Integer.MAX_VALUE - 7);
            ps.setLong(3, System.currentTimeMillis() + 3_600_000);
            ps.executeUpdate();
        }

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void anotherHostsSilentRunIsFailedWhenItsLeaseHasExpired() throws Exception {
        Path config = config(null);
        // As a daemon on another host leaves it when SIGKILLed mid-run: its RUNNING row and a
        // lease it stopped renewing. This host cannot see that process; the lease is the evidence.
        Instant started = Instant.now().minus(Duration.ofMinutes(10));
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null)) {
            catalog.backups().insert(BackupRecord.running("lse", "20000101-000000F", BackupType.FULL, null, started,
                    new BackupRecord.Engine("mariabackup", "10.11"), new BackupRecord.Source("127.0.0.1", null),
                    "/elsewhere/lse/20000101-000000F"),
                    new ProcessIdentity("db-other.example", 4242, started.toEpochMilli()));
            try (var c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO leases VALUES ('lse', 'gone', 'db-other.example', 4242, ?, ?, ?)")) {
                ps.setLong(1, started.toEpochMilli());
                ps.setLong(2, started.toEpochMilli());
                ps.setLong(3, started.plus(Lease.TTL).toEpochMilli());
                ps.executeUpdate();
            }
        }

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> dead = list(config).stream().filter(b -> "20000101-000000F".equals(b.get("id")))
                .findFirst().orElseThrow();
        // FAILED, and then (a FAILED run older than the newest VERIFIED one) expired by retention.
        String reason = (String) dead.get("reason");
        String failed = "the process running it (pid 4242 on db-other.example) stopped renewing its lease";
        assertTrue("FAILED".equals(dead.get("status")) && reason.startsWith(failed)
                || "EXPIRED".equals(dead.get("status")) && reason.startsWith("was FAILED: " + failed), dead.toString());
    }

    @Test
    void retentionExpiresOlderBackupsAndKeepsTheNewest() throws Exception {
        Path config = config("retention: {hourly: 1, daily: 0, weekly: 0, min-verified: 1}");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, TestSetup.cli("--config", config.toString(), "run").exitCode());
        }
        // All three are in the same hour: retention after each run kept only the newest.
        List<Map<String, Object>> rows = list(config);
        assertEquals(List.of("VERIFIED", "EXPIRED", "EXPIRED"), rows.stream().map(b -> b.get("status")).toList());
        for (Map<String, Object> expired : rows.subList(1, 3)) {
            assertFalse(Files.exists(Path.of((String) expired.get("path"))), "folder removed");
            assertTrue(((String) expired.get("reason")).matches("was VERIFIED; expired 20.*"), expired.toString());
        }
        assertTrue(Files.exists(Path.of((String) rows.get(0).get("path"))));
        Result dry = TestSetup.cli("--config", config.toString(), "expire", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("nothing to expire"), dry.out());
    }

    private void waitForLease(Path config) throws Exception {
        Path catalogFile = dir.resolve("repo/catalog.mv.db");
        for (int i = 0; i < 600; i++) {
            if (Files.exists(catalogFile)) {
                try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null)) {
                    if (Lease.holder(catalog, "lse").isPresent()) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first run never took the lease");
    }
}
