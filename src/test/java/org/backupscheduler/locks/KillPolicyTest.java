package org.backupscheduler.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.backupscheduler.config.LocksConfig;
import org.backupscheduler.config.LocksConfig.Action;
import org.backupscheduler.config.LocksConfig.Blocker;
import org.backupscheduler.config.LocksConfig.SessionFilter;
import org.junit.jupiter.api.Test;

/**
 * The policy on processlists as MariaDB 10.11 shows them (states, commands and users as the
 * server prints them in the field report's situation and on a replica).
 */
class KillPolicyTest {
    private static final Session MAINTENANCE = new Session(11, "maint", "10.0.0.9:51234", "shop", "Query", 600,
            "Updating", "UPDATE shop.audit SET event = UPPER(event)", List.of("Table metadata lock shop.audit"));
    private static final Session BACKUP = new Session(12, "backup", "localhost", null, "Query", 540,
            "Waiting for table metadata lock", "BACKUP STAGE BLOCK_DDL", List.of("Backup lock"));
    private static final Session WRITER1 = new Session(13, "app", "10.0.0.5:40001", "shop", "Query", 530,
            "Waiting for backup lock", "INSERT INTO shop.orders (customer, amount) VALUES ('a', 1)", List.of());
    private static final Session WRITER2 = new Session(14, "app", "10.0.0.5:40002", "shop", "Query", 20,
            "Waiting for backup lock", "INSERT INTO shop.orders (customer, amount) VALUES ('b', 2)", List.of());
    private static final Session IDLE = new Session(15, "app", "10.0.0.5:40003", "shop", "Sleep", 900, "", null,
            List.of());
    private static final Session WATCHER = new Session(16, "backup", "127.0.0.1:50000", null, "Query", 0,
            "Filling schema table", "SELECT ID, USER ... FROM information_schema.PROCESSLIST", List.of());
    // A replica's own threads and the primary's dump thread, as SHOW PROCESSLIST prints them.
    private static final Session SLAVE_IO = new Session(5, "system user", "", null, "Slave_IO", 86400,
            "Waiting for master to send event", null, List.of());
    private static final Session SLAVE_SQL = new Session(6, "system user", "", null, "Slave_SQL", 86400,
            "Slave has read all relay log; waiting for more updates", null, List.of());
    private static final Session DUMP = new Session(7, "repl", "10.0.0.2:33333", null, "Binlog Dump", 86400,
            "Master has sent all binlog to slave; waiting for more updates", null, List.of());
    private static final Session EVENTS = new Session(8, "event_scheduler", "localhost", null, "Daemon", 86400,
            "Waiting on empty queue", null, List.of());

    private static LocksConfig config(Action action, Blocker blocker, List<String> protect, SessionFilter match,
                                      SessionFilter ignore) {
        return new LocksConfig(Duration.ofSeconds(5), Duration.ofSeconds(30), action, blocker, protect, List.of(),
                null, match, ignore);
    }

    private static LocksConfig config(Action action) {
        return config(action, Blocker.AUTO, List.of(), null, null);
    }

    private static Snapshot snapshot(boolean lockInfo, Session... sessions) {
        List<Session> all = new ArrayList<>(List.of(sessions));
        all.add(WATCHER);
        return new Snapshot(Instant.now(), all, Set.of(WATCHER.id()), "backup", lockInfo);
    }

    private static Snapshot fieldReport(boolean lockInfo) {
        return snapshot(lockInfo, SLAVE_IO, SLAVE_SQL, DUMP, EVENTS, IDLE, MAINTENANCE, BACKUP, WRITER1, WRITER2);
    }

    @Test
    void killBlockerKillsTheMaintenanceStatementNotTheBackupNorTheWriters() {
        for (boolean lockInfo : new boolean[] {true, false}) {
            List<Decision> d = new KillPolicy(config(Action.KILL_BLOCKER)).decide(fieldReport(lockInfo));
            assertEquals(1, d.size());
            assertEquals(MAINTENANCE.id(), d.get(0).session().id());
            assertEquals(Decision.Kind.KILL, d.get(0).kind());
            // Only the waiters past the threshold count: the backup and the first writer.
            assertEquals(List.of(BACKUP.id(), WRITER1.id()), d.get(0).blockerOf());
            assertTrue(d.get(0).why().contains("2 session(s) waiting on a lock, the longest 540s"), d.get(0).why());
        }
    }

    @Test
    void printDecidesTheSameAndKillsNothing() {
        Decision d = new KillPolicy(config(Action.PRINT)).decide(fieldReport(true)).get(0);
        assertEquals(Decision.Kind.NONE, d.kind());
        assertEquals("print", d.rule());
        assertEquals(MAINTENANCE.id(), d.session().id());
        assertTrue(d.why().startsWith("would KILL"), d.why());
    }

    @Test
    void killWaitersKillsTheWaitingQueriesButNeverTheBackup() {
        List<Decision> d = new KillPolicy(config(Action.KILL_WAITERS)).decide(fieldReport(false));
        assertEquals(2, d.size());
        assertEquals(Decision.Kind.NONE, d.get(0).kind(), "the backup's own session is not a waiter to kill");
        assertEquals(BACKUP.id(), d.get(0).session().id());
        assertEquals(Decision.Kind.KILL_QUERY, d.get(1).kind());
        assertEquals(WRITER1.id(), d.get(1).session().id());
    }

    @Test
    void killBackupEndsTheBackupsStatementOnly() {
        List<Decision> d = new KillPolicy(config(Action.KILL_BACKUP)).decide(fieldReport(false));
        assertEquals(List.of(BACKUP.id()), d.stream().filter(Decision::acts).map(x -> x.session().id()).toList());
        assertEquals(Decision.Kind.KILL_QUERY, d.get(0).kind());
    }

    @Test
    void nothingWaitsLongEnoughNothingHappens() {
        assertEquals(List.of(), new KillPolicy(config(Action.KILL_BLOCKER))
                .decide(snapshot(true, SLAVE_IO, SLAVE_SQL, MAINTENANCE, WRITER2)));
    }

    @Test
    void replicationThreadsTheDumpThreadAndTheEventSchedulerAreNeverKilledEvenAsBlockers() {
        // Make each protected kind the only candidate, running a statement and holding a lock.
        for (Session p : List.of(SLAVE_IO, SLAVE_SQL, DUMP, EVENTS)) {
            Session holding = new Session(p.id(), p.user(), p.host(), p.db(), p.command(), p.timeSeconds(), "",
                    "DELETE FROM shop.orders", List.of("Table metadata lock shop.orders"));
            for (Action action : List.of(Action.KILL_BLOCKER, Action.KILL_WAITERS)) {
                List<Decision> d = new KillPolicy(config(action)).decide(snapshot(true, holding, WRITER1));
                assertTrue(d.stream().noneMatch(x -> x.acts() && x.session().id() == p.id()),
                        p.user() + "/" + p.command() + " was killed by " + action + ": " + d);
            }
        }
        Session waitingIo = new Session(5, "system user", "", null, "Slave_SQL", 100, "Waiting for table metadata lock",
                "ALTER TABLE shop.orders ADD c INT", List.of());
        List<Decision> d = new KillPolicy(config(Action.KILL_WAITERS)).decide(snapshot(true, waitingIo));
        assertEquals(Decision.Kind.NONE, d.get(0).kind());
        assertEquals("protected", d.get(0).rule());
    }

    @Test
    void ourOwnConnectionAndProtectUsersAreNeverKilled() {
        Session dba = new Session(21, "dba", "localhost", null, "Query", 700, "executing",
                "OPTIMIZE TABLE shop.audit", List.of("Table metadata lock shop.audit"));
        Decision d = new KillPolicy(config(Action.KILL_BLOCKER, Blocker.AUTO, List.of("dba"), null, null))
                .decide(snapshot(true, dba, WRITER1)).get(0);
        assertEquals(Decision.Kind.NONE, d.kind());
        assertTrue(d.why().contains("user dba is in locks.protect-users"), d.why());
    }

    @Test
    void matchAndIgnoreFilters() {
        SessionFilter onlyMaint = new SessionFilter("^maint$", null, null, null, null, "^UPDATE");
        assertEquals(Decision.Kind.KILL, new KillPolicy(config(Action.KILL_BLOCKER, Blocker.AUTO, List.of(), onlyMaint,
                null)).decide(fieldReport(true)).get(0).kind());
        SessionFilter onlyOthers = new SessionFilter("^etl$", null, null, null, null, null);
        Decision d = new KillPolicy(config(Action.KILL_BLOCKER, Blocker.AUTO, List.of(), onlyOthers, null))
                .decide(fieldReport(true)).get(0);
        assertEquals(Decision.Kind.NONE, d.kind());
        assertTrue(d.why().contains("outside locks.match"), d.why());
        SessionFilter ignoreShop = new SessionFilter(null, null, "^shop$", null, null, null);
        assertEquals(Decision.Kind.NONE, new KillPolicy(config(Action.KILL_BLOCKER, Blocker.AUTO, List.of(), null,
                ignoreShop)).decide(fieldReport(true)).get(0).kind());
    }

    @Test
    void aSleepingLockHolderIsFoundOnlyWithLockInformation() {
        // mariadb-hotcopy style: FLUSH TABLES ... WITH READ LOCK, then idle while it copies files.
        Session hotcopy = new Session(30, "root", "localhost", null, "Sleep", 120, "", null,
                List.of("Global read lock", "Commit lock"));
        Session victim = new Session(31, "app", "10.0.0.5:40009", "shop", "Query", 100,
                "Waiting for table metadata lock", "INSERT INTO shop.audit (event) VALUES ('x')", List.of());
        Decision withInfo = new KillPolicy(config(Action.KILL_BLOCKER)).decide(snapshot(true, hotcopy, victim)).get(0);
        assertEquals(hotcopy.id(), withInfo.session().id());
        assertEquals(Decision.Kind.KILL, withInfo.kind());
        Decision without = new KillPolicy(config(Action.KILL_BLOCKER)).decide(snapshot(false, hotcopy, victim)).get(0);
        assertEquals("no-blocker", without.rule());
        assertEquals(Decision.Kind.NONE, without.kind());
    }
}
