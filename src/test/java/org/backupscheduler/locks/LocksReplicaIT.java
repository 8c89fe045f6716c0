package org.backupscheduler.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field report happened on a replica: hotcopy's read lock waited behind what replication was
 * applying. Here the replica's SQL thread re-executes a long statement-based UPDATE on MyISAM
 * shop.audit, a hotcopy-style request queues behind it and a local writer behind that — and a
 * policy that matches everyone, with a 1 s threshold, must still leave the replication threads
 * and the event scheduler alone.
 */
class LocksReplicaIT {
    private static final String LOCKS = "locks:\n  interval: 1s\n  wait-threshold: 1s\n  protect-users: []\n"
            + "  match: {user: '.*'}\n  action: ";
    private static ReplicationPair pair;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        pair = ReplicationPair.start("lkr");
        TestSetup.createBackupUser(pair.primary());
        Workload.load(pair.primary(), 1_500);
        pair.awaitCaughtUp(Duration.ofSeconds(60));
        pair.replica().execute("INSTALL SONAME 'metadata_lock_info'", "SET GLOBAL event_scheduler = ON");
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private static long id(List<ServerProcesslist.Row> rows, String user, String command) {
        return rows.stream().filter(r -> user.equals(r.user()) && command.equals(r.command())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + user + " " + command + " in " + rows)).id();
    }

    @Test
    void aMatchEverythingPolicyNeverKillsTheReplicationThreadsNorTheEventScheduler() throws Exception {
        SandboxServer replica = pair.replica();
        // Statement-based, so the replica re-executes it; it sleeps only there (on the replica's port:
        // the SQL thread takes the primary's @@server_id): 1,500 rows, ~15 s.
        pair.primary().execute("SET SESSION binlog_format = 'STATEMENT'",
                "UPDATE shop.audit SET event = CONCAT(event, '') WHERE SLEEP(IF(@@port = " + replica.port()
                        + ", 0.01, 0)) = 0");
        List<ServerProcesslist.Row> applying = ServerProcesslist.await(replica, Duration.ofSeconds(30),
                "the SQL thread applying the UPDATE", rows -> rows.stream().anyMatch(
                        r -> "Slave_SQL".equals(r.command()) && r.info() != null
                                && r.info().startsWith("UPDATE shop.audit")));
        long io = id(applying, "system user", "Slave_IO");
        long sql = id(applying, "system user", "Slave_SQL");
        long events = id(applying, "event_scheduler", "Daemon");

        List<CompletableFuture<?>> background = new ArrayList<>();
        AtomicReference<String> requestEnd = new AtomicReference<>();
        background.add(CompletableFuture.runAsync(() -> {
            try (var c = replica.connect(); var st = c.createStatement()) {
                st.execute("FLUSH TABLES shop.audit WITH READ LOCK");
                requestEnd.set("granted");
            } catch (SQLException e) {
                requestEnd.set(e.getErrorCode() + " " + e.getMessage());
            }
        }));
        ServerProcesslist.await(replica, Duration.ofSeconds(20), "the hotcopy-style request queued, past 1 s",
                rows -> rows.stream().anyMatch(r -> r.is("Waiting for table metadata lock", "FLUSH TABLES")
                        && r.time() >= 1));
        background.add(CompletableFuture.runAsync(() -> {
            try (var c = replica.connect(); var st = c.createStatement()) {
                st.execute("INSERT INTO shop.audit (event) VALUES ('replica-victim')");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }));
        List<ServerProcesslist.Row> pileUp = ServerProcesslist.await(replica, Duration.ofSeconds(20),
                "a local writer queued behind the request",
                rows -> rows.stream().anyMatch(r -> r.is("Waiting for table metadata lock", "INSERT INTO shop.audit")));
        long request = pileUp.stream().filter(r -> r.is("Waiting for table metadata lock", "FLUSH TABLES"))
                .findFirst().orElseThrow().id();

        // kill-blocker: the blocker is the SQL thread, protected whatever locks.match says.
        Path config = TestSetup.config(dir, replica, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                LOCKS + "kill-blocker");
        Result blocker = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");
        assertEquals(0, blocker.exitCode(), blocker.toString());
        assertTrue(blocker.out().contains("NONE session " + sql), blocker.out());
        assertTrue(blocker.out().contains("not killed: a replication or system thread (system user)"), blocker.out());

        // kill-waiters: the request ends; the writer queued behind it is not touched.
        config = TestSetup.config(dir, replica, dir.resolve("pw"), LOCKS + "kill-waiters");
        Result waiters = TestSetup.cli("--config", config.toString(), "locks", "watch", "--once");
        assertEquals(0, waiters.exitCode(), waiters.toString());
        assertTrue(waiters.out().contains("KILL_QUERY session " + request), waiters.out());

        List<ServerProcesslist.Row> after = ServerProcesslist.rows(replica);
        for (long protectedId : List.of(io, sql, events)) {
            assertTrue(ServerProcesslist.has(after, protectedId), protectedId + " gone: " + after);
        }
        assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
        List<LockActions.Row> audit = audit(replica);
        assertTrue(audit.stream().anyMatch(r -> r.sessionId() == sql && r.action().equals("NONE")
                && r.rule().startsWith("protected")), audit.toString());
        assertTrue(audit.stream().noneMatch(r -> r.action().startsWith("KILL") && (r.sessionId() == io
                || r.sessionId() == sql || r.sessionId() == events)), audit.toString());
        assertEquals(List.of(request), audit.stream().filter(r -> r.action().startsWith("KILL"))
                .map(LockActions.Row::sessionId).toList(), audit.toString());

        // Replication goes on: the SQL thread finishes the UPDATE and everything after it.
        pair.primary().execute("INSERT INTO shop.orders (customer, amount) VALUES ('after-the-pile-up', 1)");
        pair.awaitCaughtUp(Duration.ofSeconds(90));
        assertEquals(1, SqlValues.count(replica,
                "SELECT COUNT(*) FROM shop.orders WHERE customer = 'after-the-pile-up'"));
        for (CompletableFuture<?> f : background) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertTrue(requestEnd.get().startsWith("1317"), "the request was ended by KILL QUERY: " + requestEnd.get());
        assertEquals(1, SqlValues.count(replica, "SELECT COUNT(*) FROM shop.audit WHERE event = 'replica-victim'"),
                "the victim's write went through");
    }

    private static List<LockActions.Row> audit(SandboxServer replica) {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null)) {
            return catalog.backups().lockActions().list(replica.name(), 100);
        }
    }
}
