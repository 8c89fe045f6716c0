package org.backupscheduler.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.sandbox.LongMyisamUpdate;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field report's 22 hours, reproduced on a real server: a long write on a MyISAM table holds
 * its lock, the backup's lock request queues behind it, and writers pile up behind the backup.
 */
class LocksIT {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration THRESHOLD = Duration.ofSeconds(2);
    private static final String LOCKS = "locks:\n  interval: 1s\n  wait-threshold: 2s\n  action: ";
    private static SandboxServer server;

    @TempDir
    Path dir;
    private final List<CompletableFuture<?>> background = new ArrayList<>();
    private final List<AutoCloseable> toStop = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = SandboxServer.start(SandboxOptions.primary("lck"));
        server.execute("INSTALL SONAME 'metadata_lock_info'");
        TestSetup.createBackupUser(server);
        Workload.load(server, 20_000);
        server.execute("CREATE TABLE shop.visits (id BIGINT AUTO_INCREMENT PRIMARY KEY, page VARCHAR(128) NOT NULL) "
                + "ENGINE=MyISAM");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void endBackground() throws Exception {
        for (AutoCloseable c : toStop) {
            c.close();
        }
        for (CompletableFuture<?> f : background) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // their own failures (killed statements) are expected
            }
        }
    }

    /** The maintenance job: a 60 s UPDATE holding the MyISAM table, ended after the test. Returns its id. */
    private long startBlocker() throws Exception {
        LongMyisamUpdate update = LongMyisamUpdate.start(server);
        toStop.add(update);
        return update.id();
    }

    private Path config(String action) throws IOException {
        return TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                LOCKS + action);
    }

    private List<LockActions.Row> audit() {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null)) {
            return catalog.backups().lockActions().list("lck", 100);
        }
    }

    private Map<String, Object> newest(Path config) throws IOException {
        return TestSetup.newest(config);
    }

    @Test
    void killBlockerEndsThePileUpAndTheBackupCompletes() throws Exception {
        Path config = config("kill-blocker");
        long blocker = startBlocker();
        MyIsamWriters writers = new MyIsamWriters(3);
        CompletableFuture<Result> run = CompletableFuture.supplyAsync(
                () -> TestSetup.cli("--config", config.toString(), "run"));

        // The field report, as a DBA sees it: the backup's BACKUP STAGE queued behind the UPDATE,
        // the MyISAM writers queued behind the backup, and the UPDATE still there.
        List<ServerProcesslist.Row> pileUp = ServerProcesslist.await(server, Duration.ofSeconds(90),
                "the backup's BACKUP STAGE and a MyISAM writer in 'Waiting for backup lock' behind the UPDATE",
                rows -> ServerProcesslist.has(rows, blocker)
                        && rows.stream().anyMatch(r -> r.user().equals(TestSetup.BACKUP_USER)
                        && r.is("Waiting for backup lock", "BACKUP STAGE"))
                        && rows.stream().anyMatch(r -> r.is("Waiting for backup lock", "INSERT INTO shop.visits")));
        long request = pileUp.stream().filter(r -> r.is("Waiting for backup lock", "BACKUP STAGE")).findFirst()
                .orElseThrow().id();
        long writesBeforeKill = writers.written();
        // Bounded: the threshold, one interval, and a generous margin for a loaded machine.
        ServerProcesslist.await(server, THRESHOLD.plus(INTERVAL).plusSeconds(30), "the watcher ending the UPDATE",
                rows -> !ServerProcesslist.has(rows, blocker));

        Result result = run.get(120, TimeUnit.SECONDS);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("VERIFIED", newest(config).get("status"));
        List<LockActions.Row> kills = audit().stream().filter(r -> r.action().equals("KILL")).toList();
        assertEquals(1, kills.size(), audit().toString());
        LockActions.Row kill = kills.get(0);
        assertEquals(blocker, kill.sessionId());
        assertEquals("killed", kill.result());
        assertTrue(kill.info().startsWith("UPDATE shop.audit"), kill.info());
        assertTrue(kill.rule().startsWith("kill-blocker"), kill.rule());
        assertEquals(String.valueOf(request), kill.blockerOf(), "the audit names the request it held up");
        // The victims were never a target: no writer failed, and they write again.
        assertTrue(audit().stream().noneMatch(r -> r.action().startsWith("KILL") && r.info() != null
                && r.info().startsWith("INSERT")), audit().toString());
        writers.awaitMoreThan(writesBeforeKill + 30, Duration.ofSeconds(60));
        writers.close();
        assertEquals(List.of(), writers.failures(), "a piled-up writer failed");
        // Measured, not asserted (speed belongs to bench/): how long the pile-up held a writer.
        System.out.println("MyISAM writers' longest stall: " + writers.longestStallMillis.get() + " ms");
    }

    @Test
    void aGuessedBlockerIsEndedWithKillQueryFirstAndTheBackupCompletes() throws Exception {
        // No lock detail used (blocker: oldest-statement): the UPDATE is a guess. It began before the
        // backup's request queued, so it may be blamed, and it gets KILL QUERY, not KILL.
        Path config = TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                LOCKS + "kill-blocker\n  blocker: oldest-statement");
        long blocker = startBlocker();

        Result result = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("VERIFIED", newest(config).get("status"));
        List<LockActions.Row> acted = audit().stream().filter(r -> r.action().startsWith("KILL")).toList();
        assertEquals(1, acted.size(), audit().toString());
        LockActions.Row kill = acted.get(0);
        assertEquals(blocker, kill.sessionId());
        assertEquals("KILL QUERY", kill.action());
        assertEquals("query killed", kill.result());
        assertTrue(kill.rule().startsWith("kill-blocker: ") && kill.rule().endsWith(
                "blocker is the oldest running statement (guessed): KILL QUERY first"), kill.rule());
    }

    @Test
    void killWaitersEndsTheStuckReadLockRequestAndItsVictimsDrainWhileTheBlockerRuns() throws Exception {
        Path config = config("kill-waiters");
        long blocker = startBlocker();
        AtomicReference<String> requestError = new AtomicReference<>();
        long request = startSession(background, st -> {
            try {
                st.execute("FLUSH TABLES WITH READ LOCK");
                requestError.set("granted");
            } catch (SQLException e) {
                requestError.set(e.getErrorCode() + " " + e.getMessage());
            }
        });
        ServerProcesslist.await(server, Duration.ofSeconds(30), "the FLUSH TABLES WITH READ LOCK waiting",
                rows -> rows.stream().anyMatch(r -> r.is("Waiting for backup lock", "FLUSH TABLES WITH READ LOCK")
                        && r.id() == request));
        // InnoDB writers: only the pending read lock stops them (the UPDATE is on MyISAM shop.audit).
        List<CompletableFuture<Void>> victims = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String customer = "victim-" + i;
            victims.add(CompletableFuture.runAsync(() -> insertOrder(customer)));
        }
        List<ServerProcesslist.Row> seen = ServerProcesslist.await(server, Duration.ofSeconds(30),
                "three InnoDB writers queued behind the read-lock request, aged past the threshold",
                rows -> rows.stream().filter(r -> r.is("Waiting for backup lock", "INSERT INTO shop.orders"))
                        .count() == 3
                        && rows.stream().anyMatch(r -> r.id() == request && r.time() >= THRESHOLD.toSeconds()));
        List<Long> victimIds = seen.stream().filter(r -> r.info() != null
                && r.info().startsWith("INSERT INTO shop.orders")).map(ServerProcesslist.Row::id).toList();

        Result watch = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");

        assertEquals(0, watch.exitCode(), watch.toString());
        assertTrue(watch.out().contains("KILL_QUERY session " + request), watch.out());
        for (CompletableFuture<Void> v : victims) {
            v.get(30, TimeUnit.SECONDS); // each victim's INSERT went through
        }
        assertEquals(3, SqlValues.count(server, "SELECT COUNT(*) FROM shop.orders WHERE customer LIKE 'victim-%'"));
        assertTrue(requestError.get() != null && requestError.get().startsWith("1317"), "the request ended: "
                + requestError.get());
        assertTrue(ServerProcesslist.has(ServerProcesslist.rows(server), blocker), "kill-waiters left the blocker");
        List<LockActions.Row> acted = audit().stream().filter(r -> r.action().startsWith("KILL")).toList();
        assertEquals(List.of(request), acted.stream().map(LockActions.Row::sessionId).toList(), acted.toString());
        assertEquals("KILL QUERY", acted.get(0).action());
        assertEquals("query killed", acted.get(0).result());
        assertTrue(List.of(acted.get(0).blockerOf().split(",")).containsAll(victimIds.stream().map(String::valueOf)
                .toList()),
                "the audit names the victims it freed: " + acted.get(0).blockerOf() + " vs " + victimIds);
    }

    @Test
    void aStuckFtwrlOfTheBackupAccountWithNoRunInProgressIsEndedByKillWaiters() throws Exception {
        Path config = config("kill-waiters");
        long blocker = startBlocker();
        // An old hotcopy job still scheduled during the migration, connecting as the backup account:
        // no run of ours is in progress, so its FTWRL is nobody's backup — a stuck request like any other.
        AtomicReference<String> requestError = new AtomicReference<>();
        Endpoint backupAccount = new Endpoint("127.0.0.1", server.port(), null, TestSetup.BACKUP_USER,
                TestSetup.BACKUP_PASSWORD);
        long request = startSession(background, () -> ServerConnections.open(backupAccount), st -> {
            try {
                st.execute("FLUSH TABLES WITH READ LOCK");
                requestError.set("granted");
            } catch (SQLException e) {
                requestError.set(e.getErrorCode() + " " + e.getMessage());
            }
        });
        CompletableFuture<Void> victim = CompletableFuture.runAsync(() -> insertOrder("behind-the-old-job"));
        ServerProcesslist.await(server, Duration.ofSeconds(30),
                "the backup account's FTWRL waiting past the threshold, a writer queued behind it",
                rows -> rows.stream().anyMatch(r -> r.id() == request && TestSetup.BACKUP_USER.equals(r.user())
                        && r.is("Waiting for backup lock", "FLUSH TABLES WITH READ LOCK")
                        && r.time() >= THRESHOLD.toSeconds())
                        && rows.stream().anyMatch(r -> r.is("Waiting for backup lock", "INSERT INTO shop.orders")));
        // First, while a run of another host holds the lease with its engine going (its watcher
        // published the sessions above #request as its own), locks watch leaves locks to that watcher.
        Files.createDirectories(dir.resolve("repo"));
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null);
             var c = catalog.connection(); var ps = c.prepareStatement("INSERT INTO leases (instance, owner, host, pid, "
                     + "acquired_at, heartbeat_at, expires_at, backup_id, sessions_after) "
                     + "VALUES ('lck', 'running', 'db-other.example', 4242, 1, 1, ?, '20261202-120000F', ?)")) {
            ps.setLong(1, System.currentTimeMillis() + 3_600_000);
            ps.setLong(2, request);
            ps.executeUpdate();
        }
        Result deferred = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");
        assertEquals(0, deferred.exitCode(), deferred.toString());
        assertEquals("a run holds the lease of lck (pid 4242 on db-other.example, backup 20261202-120000F): its own "
                + "lock watcher handles locks until it ends; nothing done", deferred.out().strip());
        assertTrue(ServerProcesslist.has(ServerProcesslist.rows(server), request), "deferred, yet acted");
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null);
             var c = catalog.connection(); var st = c.createStatement()) {
            st.execute("DELETE FROM leases WHERE instance = 'lck'");
        }

        // No run in progress now.
        Result watch = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");

        assertEquals(0, watch.exitCode(), watch.toString());
        assertTrue(watch.out().contains("KILL_QUERY session " + request), watch.out());
        victim.get(30, TimeUnit.SECONDS); // the writer behind it went through
        ServerProcesslist.await(server, Duration.ofSeconds(30), "the old job's FTWRL ended",
                rows -> !rows.stream().anyMatch(r -> r.id() == request && r.info() != null));
        for (int i = 0; i < 100 && requestError.get() == null; i++) {
            Thread.sleep(100);
        }
        assertTrue(requestError.get() != null && requestError.get().startsWith("1317"), "the request ended: "
                + requestError.get());
        assertTrue(ServerProcesslist.has(ServerProcesslist.rows(server), blocker), "kill-waiters left the blocker");
        LockActions.Row row = audit().stream().filter(r -> r.action().startsWith("KILL")).findFirst()
                .orElseThrow(() -> new AssertionError(audit().toString()));
        assertEquals(request, row.sessionId());
        assertEquals(TestSetup.BACKUP_USER, row.user());
        assertEquals("KILL QUERY", row.action());
        assertTrue(row.rule().startsWith("kill-waiters: "), row.rule());
    }

    @Test
    void printKillsNothingRecordsTheWouldBeKillAndTheBackupGivesUpInsteadOfQueueing() throws Exception {
        Path config = config("print");
        long blocker = startBlocker();

        Result result = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, result.exitCode(), result.toString());
        Map<String, Object> b = newest(config);
        assertEquals("FAILED", b.get("status"));
        String reason = (String) b.get("reason");
        assertTrue(reason.startsWith("gave up waiting for a lock instead of queueing behind session " + blocker),
                reason);
        assertTrue(reason.contains("UPDATE shop.audit"), reason);
        assertEquals(1, SqlValues.count(server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = "
                + blocker), "print mode killed nothing");
        assertEquals(0, SqlValues.count(server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                + TestSetup.BACKUP_USER + "'"), "the backup left no session queued");
        assertTrue(audit().stream().anyMatch(r -> r.action().equals("PRINT") && r.sessionId() == blocker));
        // Giving up ends the backup's own queued request if it outlived the engine (a race with the
        // server dropping it): every session the reason says it ended is in the audit, and nothing else.
        Matcher ended = Pattern.compile("ended the backup's server sessions \\[(.*)]")
                .matcher(reason);
        List<String> endedIds = ended.find() ? List.of(ended.group(1).split(", ")) : List.of();
        List<LockActions.Row> kills = audit().stream().filter(r -> r.action().equals("KILL")).toList();
        assertEquals(endedIds, kills.stream().map(r -> String.valueOf(r.sessionId())).toList(), audit().toString());
        assertTrue(kills.stream().allMatch(r -> r.user().equals(TestSetup.BACKUP_USER)
                && r.rule().startsWith("own-backup: the run ended (gave up on a lock)")), kills.toString());
    }

    @Test
    void killWaitersLeavesOurOwnBackupsRequestToTheRunWhichGivesUpInsteadOfQueueing() throws Exception {
        Path config = config("kill-waiters");
        long blocker = startBlocker();

        Result result = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, result.exitCode(), result.toString());
        Map<String, Object> b = newest(config);
        assertEquals("FAILED", b.get("status"));
        String reason = (String) b.get("reason");
        assertTrue(reason.startsWith("gave up waiting for a lock instead of queueing: the lock policy left our own "
                + "request to the run (own-backup: "), reason);
        assertTrue(reason.contains("it waits behind session " + blocker), reason);
        assertTrue(ServerProcesslist.has(ServerProcesslist.rows(server), blocker), "kill-waiters left the blocker");
        assertEquals(0, SqlValues.count(server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                + TestSetup.BACKUP_USER + "'"), "the backup left no session queued");
        LockActions.Row own = audit().stream().filter(r -> r.rule().startsWith("own-backup: read-lock request"))
                .findFirst().orElseThrow(() -> new AssertionError(audit().toString()));
        assertEquals("NONE", own.action());
        assertTrue(own.info().startsWith("BACKUP STAGE"), own.info());
    }

    @Test
    void hotcopyAsTheWaiterIsFreedByLocksWatch() throws Exception {
        Path config = config("kill-blocker");
        long blocker = startBlocker();
        Path dest = Files.createDirectories(dir.resolve("hotcopy"));
        // The sandbox's root has no password: nothing secret on this command line.
        Process hotcopy = new ProcessBuilder("mariadb-hotcopy", "--user=root", "--socket=" + server.socket(), "shop",
                dest.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("hotcopy.log").toFile()).start();
        List<ServerProcesslist.Row> queued = ServerProcesslist.await(server, Duration.ofSeconds(30),
                "hotcopy's FLUSH TABLES ... WITH READ LOCK waiting behind the UPDATE",
                rows -> rows.stream().anyMatch(r -> r.is("Waiting for table metadata lock", "FLUSH TABLES")));
        long request = queued.stream().filter(r -> r.is("Waiting for table metadata lock", "FLUSH TABLES"))
                .findFirst().orElseThrow().id();
        // Victims: application writers on a table hotcopy is locking.
        List<CompletableFuture<Void>> victims = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String event = "hotcopy-victim-" + i;
            victims.add(CompletableFuture.runAsync(() -> insertAudit(event)));
        }
        ServerProcesslist.await(server, Duration.ofSeconds(30),
                "two writers in 'Waiting for table metadata lock' behind hotcopy, hotcopy past the threshold",
                rows -> ServerProcesslist.has(rows, blocker)
                        && rows.stream().filter(r -> r.is("Waiting for table metadata lock",
                        "INSERT INTO shop.audit")).count() == 2
                        && rows.stream().anyMatch(r -> r.id() == request && r.time() >= THRESHOLD.toSeconds()));

        Result watch = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");

        assertEquals(0, watch.exitCode(), watch.toString());
        assertTrue(watch.out().contains("KILL session " + blocker), watch.out() + "\nhotcopy: "
                + Files.readString(dir.resolve("hotcopy.log")) + "\nprocesslist: " + ServerProcesslist.rows(server));
        assertTrue(hotcopy.waitFor(60, TimeUnit.SECONDS), "hotcopy finished once the blocker was gone");
        assertEquals(0, hotcopy.exitValue(), Files.readString(dir.resolve("hotcopy.log")));
        for (CompletableFuture<Void> v : victims) {
            v.get(30, TimeUnit.SECONDS);
        }
        assertEquals(2, SqlValues.count(server, "SELECT COUNT(*) FROM shop.audit WHERE event LIKE 'hotcopy-victim-%'"),
                "both victims' writes went through after hotcopy");
        LockActions.Row kill = audit().stream().filter(r -> r.sessionId() == blocker).findFirst().orElseThrow();
        assertEquals("killed", kill.result());
        assertEquals(String.valueOf(request), kill.blockerOf());
    }

    @Test
    void dryRunWatchRecordsAndKillsNothing() throws Exception {
        Path config = config("kill-blocker");
        long blocker = startBlocker();
        // A hotcopy-style request on the UPDATE's table.
        long request = startSession(background, st -> {
            try {
                st.execute("FLUSH TABLES shop.audit WITH READ LOCK");
            } catch (SQLException e) {
                // ends when the blocker is killed after the test
            }
        });
        ServerProcesslist.await(server, Duration.ofSeconds(30), "the read-lock request waiting past the threshold",
                rows -> rows.stream().anyMatch(r -> r.id() == request && r.time() >= THRESHOLD.toSeconds()
                        && "Waiting for table metadata lock".equals(r.state())));

        Result watch = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once", "--dry-run");

        assertEquals(0, watch.exitCode(), watch.toString());
        assertTrue(watch.out().contains("NONE session " + blocker), watch.out());
        assertTrue(watch.out().contains("printed"), watch.out());
        List<ServerProcesslist.Row> after = ServerProcesslist.rows(server);
        assertTrue(ServerProcesslist.has(after, blocker) && ServerProcesslist.has(after, request), after.toString());
        assertEquals(1, audit().size(), audit().toString());
        LockActions.Row row = audit().get(0);
        assertEquals("PRINT", row.action());
        assertEquals(String.valueOf(request), row.blockerOf());
        assertEquals(blocker, row.sessionId());
    }

    @Test
    void anAlterWaitingBehindAnUpdateIsNotAReadLockPileUp() throws Exception {
        Path config = config("kill-blocker");
        long blocker = startBlocker();
        long alter = startSession(background, st -> {
            try {
                st.execute("SET SESSION lock_wait_timeout = 60");
                st.execute("ALTER TABLE shop.audit COMMENT 'waits'");
            } catch (SQLException e) {
                // ends when the blocker is killed after the test
            }
        });
        ServerProcesslist.await(server, Duration.ofSeconds(30), "the ALTER waiting on a lock past the threshold",
                rows -> rows.stream().anyMatch(r -> r.id() == alter && r.time() >= THRESHOLD.toSeconds()
                        && PileUp.WAIT_STATES.contains(r.state())));

        Result watch = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");

        assertEquals(0, watch.exitCode(), watch.toString());
        assertTrue(watch.out().contains("no read-lock request has waited"), watch.out());
        assertTrue(ServerProcesslist.has(ServerProcesslist.rows(server), blocker), "the UPDATE was left alone");
        assertEquals(List.of(), audit());
    }

    /** Runs {@code work} on a new root session in the background; returns its connection id. */
    private static long startSession(List<CompletableFuture<?>> background, SessionWork work) throws Exception {
        return startSession(background, server::connect, work);
    }

    private interface Login {
        java.sql.Connection open() throws SQLException;
    }

    /** Runs {@code work} on a new session opened by {@code login} in the background; returns its connection id. */
    private static long startSession(List<CompletableFuture<?>> background, Login login, SessionWork work)
            throws Exception {
        CompletableFuture<Long> id = new CompletableFuture<>();
        background.add(CompletableFuture.runAsync(() -> {
            try (var c = login.open(); var st = c.createStatement()) {
                try (var rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    id.complete(rs.getLong(1));
                }
                work.run(st);
            } catch (SQLException e) {
                id.completeExceptionally(e);
            }
        }));
        return id.get(30, TimeUnit.SECONDS);
    }

    private interface SessionWork {
        void run(Statement st) throws SQLException;
    }

    private static void insertOrder(String customer) {
        try (var c = server.connect(); var ps = c.prepareStatement(
                "INSERT INTO shop.orders (customer, amount) VALUES (?, 1)")) {
            ps.setString(1, customer);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void insertAudit(String event) {
        try (var c = server.connect(); var ps = c.prepareStatement("INSERT INTO shop.audit (event) VALUES (?)")) {
            ps.setString(1, event);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Application writers on MyISAM shop.visits, a table the blocker does not touch: they wait only for the backup. */
    private final class MyIsamWriters implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong written = new AtomicLong();
        private final AtomicLong longestStallMillis = new AtomicLong();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> loops = new ArrayList<>();

        MyIsamWriters(int count) {
            toStop.add(() -> running.set(false));
            for (int i = 0; i < count; i++) {
                CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
                    try (var c = server.connect(); var st = c.createStatement()) {
                        while (running.get()) {
                            long start = System.nanoTime();
                            st.execute("INSERT INTO shop.visits (page) VALUES ('/checkout')");
                            longestStallMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                            written.incrementAndGet();
                            Thread.sleep(20);
                        }
                    } catch (SQLException | InterruptedException e) {
                        failures.add(e.toString());
                    }
                });
                loops.add(loop);
                background.add(loop);
            }
        }

        long written() {
            return written.get();
        }

        List<String> failures() {
            return failures;
        }

        void awaitMoreThan(long n, Duration timeout) throws InterruptedException {
            Instant deadline = Instant.now().plus(timeout);
            while (written.get() <= n && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertTrue(written.get() > n, "writers wrote " + written.get() + ", expected more than " + n
                    + "; failures " + failures);
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (CompletableFuture<Void> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
