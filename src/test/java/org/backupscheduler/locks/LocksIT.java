package org.backupscheduler.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
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
    private static final String LOCKS = "locks:\n  interval: 1s\n  wait-threshold: 2s\n  action: ";
    private static SandboxServer server;

    @TempDir
    Path dir;
    private final List<CompletableFuture<?>> background = new ArrayList<>();
    private final AtomicLong blockerId = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        server = SandboxServer.start(SandboxOptions.primary("lck"));
        server.execute("INSTALL SONAME 'metadata_lock_info'");
        TestSetup.createBackupUser(server);
        Workload.load(server, 20_000);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void endBackground() throws Exception {
        if (blockerId.get() != 0) {
            try {
                server.execute("KILL " + blockerId.get());
            } catch (Exception e) {
                // already killed by the policy
            }
        }
        for (CompletableFuture<?> f : background) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // their own failures (killed statements) are expected
            }
        }
    }

    /** The maintenance job: a 60 s UPDATE holding the MyISAM table. Returns its connection id. */
    private long startBlocker() throws Exception {
        background.add(CompletableFuture.runAsync(() -> {
            try (var c = server.connect(); var st = c.createStatement()) {
                try (var rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    blockerId.set(rs.getLong(1));
                }
                st.execute("UPDATE shop.audit SET event = CONCAT(event, '') WHERE SLEEP(0.003) = 0");
            } catch (Exception e) {
                // KILLed: the point of the test
            }
        }));
        for (int i = 0; i < 100 && blockerId.get() == 0; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        return blockerId.get();
    }

    /** Application writers that keep inserting into the MyISAM table (they pile up). */
    private AtomicLong startWriters() {
        AtomicLong done = new AtomicLong();
        for (int i = 0; i < 3; i++) {
            background.add(CompletableFuture.runAsync(() -> {
                try (var c = server.connect(); var st = c.createStatement()) {
                    for (int n = 0; n < 20; n++) {
                        st.execute("INSERT INTO shop.orders (customer, amount) VALUES ('piled-up', 1)");
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        return done;
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
        CompletableFuture<Result> run = CompletableFuture.supplyAsync(
                () -> TestSetup.cli("--config", config.toString(), "run"));
        Thread.sleep(700);
        AtomicLong written = startWriters();

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
        for (CompletableFuture<?> f : background) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(60, written.get(), "every piled-up writer got through");
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
    }

    @Test
    void hotcopyAsTheWaiterIsFreedByLocksWatch() throws Exception {
        Path config = config("kill-blocker");
        long blocker = startBlocker();
        Path dest = Files.createDirectories(dir.resolve("hotcopy"));
        // The sandbox's root has no password: nothing secret on this command line.
        Process hotcopy = new ProcessBuilder("mariadb-hotcopy", "--user=root", "--socket=" + server.socket(), "shop",
                dest.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("hotcopy.log").toFile()).start();
        Thread.sleep(2500);

        Result watch = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");

        assertEquals(0, watch.exitCode(), watch.toString());
        assertTrue(watch.out().contains("KILL session " + blocker), watch.out() + "\nhotcopy: "
                + Files.readString(dir.resolve("hotcopy.log")) + "\nprocesslist: " + SqlValues.single(server,
                "SELECT GROUP_CONCAT(CONCAT(ID, ' ', USER, ' ', COMMAND, ' ', TIME, ' ', IFNULL(STATE, ''), ' ', "
                        + "IFNULL(INFO, '')) SEPARATOR ' | ') FROM information_schema.PROCESSLIST"));
        assertTrue(hotcopy.waitFor(60, TimeUnit.SECONDS), "hotcopy finished once the blocker was gone");
        assertEquals(0, hotcopy.exitValue(), Files.readString(dir.resolve("hotcopy.log")));
        assertTrue(audit().stream().anyMatch(r -> r.sessionId() == blocker && r.result().equals("killed")));
    }

    @Test
    void dryRunWatchRecordsAndKillsNothing() throws Exception {
        Path config = config("kill-blocker");
        long blocker = startBlocker();
        var waiter = CompletableFuture.runAsync(() -> {
            try (var c = server.connect(); var st = c.createStatement()) {
                st.execute("SET SESSION lock_wait_timeout = 30");
                st.execute("ALTER TABLE shop.audit COMMENT 'waits'");
            } catch (Exception e) {
                // ends when the blocker is killed after the test
            }
        });
        background.add(waiter);
        Thread.sleep(2500);

        Result watch = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once", "--dry-run");

        assertEquals(0, watch.exitCode(), watch.toString());
        assertTrue(watch.out().contains("NONE session " + blocker), watch.out());
        assertTrue(watch.out().contains("printed"), watch.out());
        assertEquals(1, SqlValues.count(server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = "
                + blocker));
    }
}
