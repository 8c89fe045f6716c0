package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.backup.ProgressListener;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.engine.EngineLocator;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.sandbox.LongMyisamUpdate;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.Endpoints;
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
             PreparedStatement ps = c.prepareStatement("INSERT INTO leases (instance, owner, host, pid, "
                     + "acquired_at, heartbeat_at, expires_at) VALUES ('lse', 'dead', ?, ?, 1, 1, ?)")) {
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
                    "INSERT INTO leases (instance, owner, host, pid, acquired_at, heartbeat_at, expires_at) "
                            + "VALUES ('lse', 'gone', 'db-other.example', 4242, ?, ?, ?)")) {
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

    private Catalog openCatalog() {
        return Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null);
    }

    @Test
    void leaseExpiryIsComparedOnTheCatalogsClockSoAHostsClockSkewDoesNotMatter() throws Exception {
        Files.createDirectories(dir.resolve("repo"));
        try (Catalog catalog = openCatalog()) {
            // Two hosts (two folders: no shared file lock), one catalog. Host A's clock is three hours
            // behind: by its own clock it would write a lease that looks long expired to everyone.
            Lease.Result a = Lease.acquire(catalog, dir.resolve("hostA/lse"), "lse", Duration.ofMinutes(2),
                    Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
            assertTrue(a.acquired());
            LeaseHolder written = Lease.holder(catalog, "lse").orElseThrow();
            Duration left = Duration.between(Instant.now(), written.expiresAt());
            assertTrue(left.compareTo(Duration.ofMinutes(1)) > 0 && left.compareTo(Duration.ofMinutes(3)) < 0,
                    "expiry is the catalog's now + 2 min, not host A's: " + written.describe());
            // Host B's clock is three hours ahead: by its own clock every lease would have expired.
            Lease.Result b = Lease.acquire(catalog, dir.resolve("hostB/lse"), "lse", Duration.ofMinutes(2),
                    Clock.offset(Clock.systemUTC(), Duration.ofHours(3)));
            assertFalse(b.acquired(), "host B took a live lease: its clock decided");
            assertEquals(written.owner(), b.heldBy().owner());
            a.lease().close();
            Lease.Result again = Lease.acquire(catalog, dir.resolve("hostB/lse"), "lse", Duration.ofMinutes(2),
                    Clock.offset(Clock.systemUTC(), Duration.ofHours(3)));
            assertTrue(again.acquired(), "released: host B takes it");
            again.lease().close();
        }
    }

    @Test
    void aRunWhoseLeaseIsTakenOverDuringTheRunCancelsItselfSayingToWhom() throws Exception {
        // The policy leaves the blocker alone (a 10 min threshold): the engine waits in its lock
        // phase behind a 60 s UPDATE, long enough for the lease to be taken over meanwhile.
        Path config = config("locks: {wait-threshold: 10m}");
        BackupConfig c = ConfigLoader.load(config);
        Endpoint source = Endpoints.source(c.source(), Secrets.fromEnvironment());
        EngineTool tool = EngineLocator.fromEnvironment().locate(c.engine().tool());
        Files.createDirectories(dir.resolve("repo"));
        try (LongMyisamUpdate update = LongMyisamUpdate.start(PRIMARY.server()); Catalog catalog = openCatalog()) {
            // A lease of 3 s, renewed every second: the run notices the takeover within a second.
            CompletableFuture<GuardedRun.Result> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new GuardedRun(c, catalog, tool, source, ProgressListener.NONE, Clock.systemUTC())
                            .leaseTtl(Duration.ofSeconds(3)).run(BackupType.FULL);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            awaitBackupSessionWaiting();
            // Another host found the lease expired (say, the catalog was out of its reach) and took it.
            try (var conn = catalog.connection(); PreparedStatement ps = conn.prepareStatement(
                    "UPDATE leases SET owner='taken', host='db-other.example', pid=4242, expires_at=? "
                            + "WHERE instance='lse'")) {
                ps.setLong(1, System.currentTimeMillis() + 3_600_000);
                assertEquals(1, ps.executeUpdate());
            }

            GuardedRun.Result result = run.get(60, TimeUnit.SECONDS);

            assertTrue(update.alive(), "the run ended while the blocker still ran: by the takeover, not the lock");
            BackupRecord b = result.backup();
            assertEquals(BackupStatus.FAILED, b.status(), b.toString());
            assertTrue(b.reason().startsWith("lease lost to pid 4242 on db-other.example"), b.reason());
            assertTrue(b.reason().contains("the engine was ended"), b.reason());
            assertEquals(b.reason(), catalog.backups().find("lse", b.id()).orElseThrow().reason());
            // No engine left behind: no process of it, and no session of the backup account queued.
            assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.isAlive()
                    && p.info().command().orElse("").contains("mariabackup")), "an engine process is still alive");
            for (int i = 0; i < 50 && backupSessions() > 0; i++) {
                Thread.sleep(100);
            }
            assertEquals(0, backupSessions(), "the cancelled run left a session of the backup account");
            // The new holder's lease is untouched by the cancelled run's release.
            assertEquals("db-other.example", Lease.holder(catalog, "lse").orElseThrow().host());
        }
    }

    @Test
    void whileARunHoldsTheLeaseTheDaemonsLockPassLeavesLocksToThatRunsWatcher() throws Exception {
        Path config = config("locks: {interval: 1s, wait-threshold: 1s, action: kill-waiters}");
        BackupConfig c = ConfigLoader.load(config);
        Endpoint source = Endpoints.source(c.source(), Secrets.fromEnvironment());
        EngineTool tool = EngineLocator.fromEnvironment().locate(c.engine().tool());
        Files.createDirectories(dir.resolve("repo"));
        CompletableFuture<String> request = new CompletableFuture<>();
        try (LongMyisamUpdate update = LongMyisamUpdate.start(PRIMARY.server()); Catalog catalog = openCatalog()) {
            // A run on another host holds the lease, its engine going (its watcher published its
            // sessions); a hotcopy-style FTWRL is stuck behind the UPDATE.
            try (var conn = catalog.connection(); PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO leases (instance, owner, host, pid, acquired_at, heartbeat_at, expires_at, backup_id, "
                            + "sessions_after) VALUES ('lse', 'running', 'db-other.example', 4242, 1, 1, ?, "
                            + "'20261202-120000F', 1000000)")) {
                ps.setLong(1, System.currentTimeMillis() + 3_600_000);
                ps.executeUpdate();
            }
            CompletableFuture.runAsync(() -> {
                try {
                    PRIMARY.server().execute("FLUSH TABLES WITH READ LOCK");
                    request.complete("granted");
                } catch (SQLException e) {
                    request.complete(e.getErrorCode() + " " + e.getMessage());
                }
            });
            awaitSessions("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = "
                    + "'FLUSH TABLES WITH READ LOCK' AND TIME >= 2");
            Daemon daemon = new Daemon(c, catalog, tool, source, Clock.systemUTC());

            daemon.runLockPass();

            assertFalse(request.isDone(), "the daemon acted while a run's watcher was in charge: " + request);
            assertEquals(List.of(), catalog.backups().lockActions().list("lse", 10));
            // The run's engine ended (its watcher with it), the run goes on verifying under its
            // lease: the daemon's pass is the watcher again.
            try (var conn = catalog.connection(); var st = conn.createStatement()) {
                st.execute("UPDATE leases SET sessions_after = NULL WHERE instance='lse'");
            }

            daemon.runLockPass();

            assertTrue(request.get(30, TimeUnit.SECONDS).startsWith("1317"), request.get());
            assertEquals(List.of("KILL QUERY"), catalog.backups().lockActions().list("lse", 10).stream()
                    .map(r -> r.action()).toList());
            assertTrue(update.alive());
        }
    }

    private long backupSessions() throws SQLException {
        return SqlValues.count(PRIMARY.server(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                + TestSetup.BACKUP_USER + "'");
    }

    private void awaitBackupSessionWaiting() throws Exception {
        awaitSessions("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + TestSetup.BACKUP_USER
                + "' AND STATE = 'Waiting for backup lock'");
    }

    /** Polls (a bounded wait, not a timing claim) until {@code countSql} counts at least one session. */
    private void awaitSessions(String countSql) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (SqlValues.count(PRIMARY.server(), countSql) > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not seen within 60 s: " + countSql);
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
