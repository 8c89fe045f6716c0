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
            "Waiting for backup lock", "BACKUP STAGE BLOCK_DDL", List.of("Backup lock"));
    private static final Session WRITER1 = new Session(13, "app", "10.0.0.5:40001", "shop", "Query", 530,
            "Waiting for backup lock", "INSERT INTO shop.orders (customer, amount) VALUES ('a', 1)", List.of());
    private static final Session WRITER2 = new Session(14, "app", "10.0.0.5:40002", "shop", "Query", 20,
            "Waiting for backup lock", "INSERT INTO shop.orders (customer, amount) VALUES ('b', 2)", List.of());
    // mariadb-hotcopy's request, as it sends it (hotcopy-behind-myisam-update.tsv).
    private static final Session HOTCOPY = new Session(17, "root", "localhost", null, "Query", 100,
            "Waiting for table metadata lock", "FLUSH TABLES `shop`.`audit`, `shop`.`orders` WITH READ LOCK", List.of());
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
        // A run in progress: the backup's session is the run's (the watcher's own is ours).
        return new Snapshot(Instant.now(), all, Set.of(WATCHER.id()), runOf(all, "backup"), lockInfo);
    }

    /** The sessions of {@code account} but the watcher: as a run in progress's sessions. */
    private static Set<Long> runOf(List<Session> all, String account) {
        return all.stream().filter(x -> account.equals(x.user()) && x.id() != WATCHER.id()).map(Session::id)
                .collect(java.util.stream.Collectors.toSet());
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
            // Known as the lock holder: KILL; guessed (no lock information): KILL QUERY first.
            assertEquals(lockInfo ? Decision.Kind.KILL : Decision.Kind.KILL_QUERY, d.get(0).kind());
            // It holds up the stuck read-lock request; the writers are that request's victims.
            assertEquals(List.of(BACKUP.id()), d.get(0).blockerOf());
            assertTrue(d.get(0).why().contains("1 read-lock request(s) waiting, the longest 540s"), d.get(0).why());
        }
    }

    // ---- A guessed blocker (no lock information): older than the request, KILL QUERY first, capped ----

    private static LocksConfig maxKills(int max) {
        return new LocksConfig(Duration.ofSeconds(5), Duration.ofSeconds(30), Action.KILL_BLOCKER, Blocker.AUTO,
                List.of(), List.of(), null, null, null, max);
    }

    @Test
    void aGuessedBlockerYoungerThanTheWaitingRequestIsNotKilled() {
        // The oldest running statement began after the backup's request started waiting (100 s < 540 s):
        // it cannot be what the request waits for, whatever the guess says.
        Session younger = new Session(11, "maint", "10.0.0.9:51234", "shop", "Query", 100, "Updating",
                "UPDATE shop.audit SET event = UPPER(event)", List.of());
        for (int lockInfo = 0; lockInfo < 2; lockInfo++) {
            Snapshot s = snapshot(lockInfo == 1, IDLE, younger, BACKUP, WRITER1, WRITER2);
            Decision d = new KillPolicy(config(Action.KILL_BLOCKER)).decide(s).get(0);
            assertEquals(younger.id(), d.session().id(), d.toString());
            assertEquals(Decision.Kind.NONE, d.kind(), d.toString());
            assertEquals("younger-than-request", d.rule());
            assertTrue(d.why().endsWith("not killed: it runs 100s, the request has waited 540s, so it is not what the "
                    + "request waits for"), d.why());
        }
        // Known from the lock information as the holder, its age does not matter: it holds the lock.
        Session holder = new Session(11, "maint", "10.0.0.9:51234", "shop", "Query", 100, "Updating",
                "UPDATE shop.audit SET event = UPPER(event)", List.of("Table metadata lock shop.audit"));
        assertEquals(Decision.Kind.KILL, new KillPolicy(config(Action.KILL_BLOCKER))
                .decide(snapshot(true, holder, BACKUP, WRITER1)).get(0).kind());
    }

    @Test
    void aGuessedBlockerGetsKillQueryFirstAndKillOnlyIfItPersists() {
        KillPolicy policy = new KillPolicy(config(Action.KILL_BLOCKER));
        Decision first = policy.decide(fieldReport(false)).get(0);
        assertEquals(MAINTENANCE.id(), first.session().id());
        assertEquals(Decision.Kind.KILL_QUERY, first.kind());
        assertTrue(first.why().endsWith("blocker is the oldest running statement (guessed): KILL QUERY first"),
                first.why());
        // The next look: the same session is still the blocker after its KILL QUERY.
        List<PriorKill> queried = List.of(new PriorKill(MAINTENANCE.id(), Decision.Kind.KILL_QUERY,
                List.of(BACKUP.id())));
        Decision second = policy.decide(fieldReport(false), queried).get(0);
        assertEquals(MAINTENANCE.id(), second.session().id());
        assertEquals(Decision.Kind.KILL, second.kind());
        assertTrue(second.why().endsWith("(guessed), still there after KILL QUERY"), second.why());
        // A KILL QUERY in another pile-up (for other requests) does not count here.
        List<PriorKill> elsewhere = List.of(new PriorKill(MAINTENANCE.id(), Decision.Kind.KILL_QUERY, List.of(99L)));
        assertEquals(Decision.Kind.KILL_QUERY, policy.decide(fieldReport(false), elsewhere).get(0).kind());
        // blocker: oldest-statement ignores the lock information: the same session is a guess there too.
        Decision oldest = new KillPolicy(config(Action.KILL_BLOCKER, Blocker.OLDEST_STATEMENT, List.of(), null, null))
                .decide(fieldReport(true)).get(0);
        assertEquals(Decision.Kind.KILL_QUERY, oldest.kind(), oldest.toString());
        // print says which of the two it would do.
        assertTrue(new KillPolicy(config(Action.PRINT)).decide(fieldReport(false)).get(0).why()
                .startsWith("would KILL QUERY: "));
    }

    @Test
    void afterMaxKillsInOnePileUpThePolicyGivesUpAndSaysSo() {
        // Three guesses killed already for the same request, and a fourth session is now the oldest.
        List<PriorKill> three = List.of(new PriorKill(31, Decision.Kind.KILL_QUERY, List.of(BACKUP.id())),
                new PriorKill(31, Decision.Kind.KILL, List.of(BACKUP.id())),
                new PriorKill(32, Decision.Kind.KILL_QUERY, List.of(BACKUP.id(), 44L)));
        Decision d = new KillPolicy(maxKills(3)).decide(fieldReport(false), three).get(0);
        assertEquals(MAINTENANCE.id(), d.session().id());
        assertEquals(Decision.Kind.NONE, d.kind());
        assertEquals("max-kills", d.rule());
        assertTrue(d.why().endsWith("giving up: 3 kill(s) in this pile-up already (locks.max-kills 3)"), d.why());
        // With lock information too: the cap is per pile-up, whoever the blocker.
        assertEquals("max-kills", new KillPolicy(maxKills(3)).decide(fieldReport(true), three).get(0).rule());
        // Below the cap it still acts; the default cap is 3.
        assertEquals(Decision.Kind.KILL_QUERY, new KillPolicy(maxKills(4)).decide(fieldReport(false), three).get(0)
                .kind());
        assertEquals(3, config(Action.KILL_BLOCKER).maxKills());
    }

    @Test
    void withNoRunInProgressTheBackupAccountsStuckRequestIsAnyonesAndKillWaitersEndsIt() {
        // An old hotcopy job of the backup account, still scheduled during the migration: its FTWRL
        // is stuck behind the maintenance UPDATE and no run of ours is in progress.
        Session staleJob = new Session(12, "backup", "localhost", null, "Query", 540, "Waiting for backup lock",
                "FLUSH TABLES WITH READ LOCK", List.of());
        List<Session> all = List.of(MAINTENANCE, staleJob, WRITER1, WRITER2, WATCHER);
        Snapshot none = new Snapshot(Instant.now(), all, Set.of(WATCHER.id()), Set.of(), true);
        List<Decision> d = new KillPolicy(config(Action.KILL_WAITERS)).decide(none);
        assertEquals(List.of(staleJob.id()), d.stream().filter(Decision::acts).map(x -> x.session().id()).toList());
        assertEquals(Decision.Kind.KILL_QUERY, d.get(0).kind());
        // During a run, only the run's own sessions are the backup: another session of the account is not.
        Session runsOwn = new Session(20, "backup", "localhost", null, "Query", 30, "Waiting for backup lock",
                "BACKUP STAGE BLOCK_DDL", List.of());
        Snapshot during = new Snapshot(Instant.now(), List.of(MAINTENANCE, staleJob, runsOwn, WRITER1, WATCHER),
                Set.of(WATCHER.id()), Set.of(runsOwn.id()), true);
        List<Decision> w = new KillPolicy(config(Action.KILL_WAITERS)).decide(during);
        assertEquals(List.of(staleJob.id()), w.stream().filter(Decision::acts).map(x -> x.session().id()).toList());
        assertEquals("own-backup", w.stream().filter(x -> x.session().id() == runsOwn.id()).findFirst().orElseThrow()
                .rule());
        List<Decision> b = new KillPolicy(config(Action.KILL_BACKUP)).decide(during);
        assertEquals(List.of(runsOwn.id()), b.stream().filter(Decision::acts).map(x -> x.session().id()).toList(),
                "kill-backup ends the run's own request, not the stale job's");
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
    void killWaitersLeavesOurOwnBackupsRequestToTheRunAndNeverKillsItsVictims() {
        List<Decision> d = new KillPolicy(config(Action.KILL_WAITERS)).decide(fieldReport(false));
        // The only stuck read-lock request is the backup's: kill-backup's to end, not kill-waiters'.
        assertEquals(1, d.size(), d.toString());
        assertEquals(BACKUP.id(), d.get(0).session().id());
        assertEquals(Decision.Kind.NONE, d.get(0).kind());
        assertEquals("own-backup", d.get(0).rule());
        assertEquals(List.of(WRITER1.id(), WRITER2.id()), d.get(0).blockerOf(), "its victims, not targets");
    }

    @Test
    void killBackupEndsTheBackupsStatementOnly() {
        List<Decision> d = new KillPolicy(config(Action.KILL_BACKUP)).decide(fieldReport(false));
        assertEquals(List.of(BACKUP.id()), d.stream().filter(Decision::acts).map(x -> x.session().id()).toList());
        assertEquals(Decision.Kind.KILL_QUERY, d.get(0).kind());
    }

    @Test
    void nothingWaitsLongEnoughNothingHappens() {
        Session youngRequest = new Session(18, "root", "localhost", null, "Query", 4, "Waiting for table metadata lock",
                HOTCOPY.info(), List.of());
        for (Action action : Action.values()) {
            assertEquals(List.of(), new KillPolicy(config(action))
                    .decide(snapshot(true, SLAVE_IO, SLAVE_SQL, MAINTENANCE, youngRequest, WRITER1)), action.key());
        }
    }

    @Test
    void replicationThreadsTheDumpThreadAndTheEventSchedulerAreNeverKilledEvenAsBlockers() {
        // Make each protected kind the only candidate, running a statement and holding a lock.
        for (Session p : List.of(SLAVE_IO, SLAVE_SQL, DUMP, EVENTS)) {
            Session holding = new Session(p.id(), p.user(), p.host(), p.db(), p.command(), p.timeSeconds(), "",
                    "DELETE FROM shop.orders", List.of("Table metadata lock shop.orders"));
            Decision blocker = new KillPolicy(config(Action.KILL_BLOCKER)).decide(snapshot(true, holding, HOTCOPY))
                    .get(0);
            assertEquals(p.id(), blocker.session().id(), "found as the blocker: " + blocker);
            assertEquals(Decision.Kind.NONE, blocker.kind(), blocker.toString());
            assertEquals("protected", blocker.rule());
            List<Decision> d = new KillPolicy(config(Action.KILL_WAITERS)).decide(snapshot(true, holding, HOTCOPY));
            assertEquals(List.of(HOTCOPY.id()), d.stream().filter(Decision::acts).map(x -> x.session().id()).toList());
        }
    }

    @Test
    void ourOwnConnectionAndProtectUsersAreNeverKilled() {
        Session dba = new Session(21, "dba", "localhost", null, "Query", 700, "executing",
                "OPTIMIZE TABLE shop.audit", List.of("Table metadata lock shop.audit"));
        Decision d = new KillPolicy(config(Action.KILL_BLOCKER, Blocker.AUTO, List.of("dba"), null, null))
                .decide(snapshot(true, dba, HOTCOPY)).get(0);
        assertEquals(Decision.Kind.NONE, d.kind());
        assertTrue(d.why().contains("user dba is in locks.protect-users"), d.why());
        // A protected user's own hotcopy is not ended by kill-waiters either.
        Decision w = new KillPolicy(config(Action.KILL_WAITERS, Blocker.AUTO, List.of("root"), null, null))
                .decide(snapshot(true, dba, HOTCOPY)).get(0);
        assertEquals(HOTCOPY.id(), w.session().id());
        assertEquals("protected", w.rule());
        // Our own connection waiting on a read lock (say, a locks watch of ours) is never a target.
        Session ourRequest = new Session(WATCHER.id(), "backup", "127.0.0.1:50000", null, "Query", 60,
                "Waiting for backup lock", "FLUSH TABLES WITH READ LOCK", List.of());
        Snapshot ours = new Snapshot(Instant.now(), List.of(MAINTENANCE, ourRequest), Set.of(WATCHER.id()), Set.of(),
                true);
        Decision o = new KillPolicy(config(Action.KILL_WAITERS)).decide(ours).get(0);
        assertEquals("protected", o.rule());
        assertTrue(o.why().contains("our own connection"), o.why());
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

    // ---- On processlists captured from real pile-ups (src/test/resources/processlist) ----

    private static final List<String> CAPTURED = List.of("mariabackup-behind-myisam-update.tsv",
            "hotcopy-behind-myisam-update.tsv", "hotcopy-behind-idle-lock-holder.tsv",
            "backup-stage-of-another-tool-behind-update.tsv", "alter-behind-update.tsv",
            "replica-hotcopy-behind-sql-thread.tsv", "ftwrl-behind-myisam-update.tsv");
    private static final SessionFilter EVERYONE = new SessionFilter(".*", null, null, null, null, null);

    private static LocksConfig captured(Action action, long thresholdSeconds) {
        return new LocksConfig(Duration.ofSeconds(1), Duration.ofSeconds(thresholdSeconds), action, Blocker.AUTO,
                List.of(), List.of(), null, EVERYONE, null);
    }

    private static List<Long> acted(List<Decision> d) {
        return d.stream().filter(Decision::acts).map(x -> x.session().id()).toList();
    }

    @Test
    void capturedFieldReportKillBlockerEndsTheMyIsamUpdateThatBackupStageWaitsFor() {
        for (Snapshot s : List.of(CapturedProcesslist.load("mariabackup-behind-myisam-update.tsv"),
                CapturedProcesslist.loadWithoutLockInfo("mariabackup-behind-myisam-update.tsv"))) {
            List<Decision> d = new KillPolicy(captured(Action.KILL_BLOCKER, 2)).decide(s);
            assertEquals(1, d.size(), d.toString());
            assertEquals(14, d.get(0).session().id());
            // Without lock information the UPDATE is a guess (older than the request: 7 s > 5 s): KILL QUERY first.
            assertEquals(s.lockInfo() ? Decision.Kind.KILL : Decision.Kind.KILL_QUERY, d.get(0).kind());
            assertEquals(List.of(16L), d.get(0).blockerOf(), "the BACKUP STAGE BLOCK_DDL request it holds up");
            assertTrue(d.get(0).why().contains("1 read-lock request(s) waiting, the longest 5s"), d.get(0).why());
            assertTrue(d.get(0).why().contains("4 queued on locks"), d.get(0).why());
        }
    }

    @Test
    void capturedFieldReportKillWaitersAndKillBackupNeverTouchTheMyIsamWriters() {
        Snapshot s = CapturedProcesslist.load("mariabackup-behind-myisam-update.tsv");
        List<Decision> waiters = new KillPolicy(captured(Action.KILL_WAITERS, 2)).decide(s);
        assertEquals(List.of(16L), waiters.stream().map(x -> x.session().id()).toList());
        assertEquals("own-backup", waiters.get(0).rule());
        assertEquals(List.of(19L, 20L, 21L, 23L), waiters.get(0).blockerOf(),
                "the writers in 'Waiting for backup lock'");
        List<Decision> backup = new KillPolicy(captured(Action.KILL_BACKUP, 2)).decide(s);
        assertEquals(List.of(16L), acted(backup), "the backup's BLOCK_DDL, not its idle sessions 15, 17, 18");
        assertEquals(Decision.Kind.KILL_QUERY, backup.get(0).kind());
    }

    @Test
    void capturedFieldReportWithNoRunInProgressTheBackupAccountsRequestIsEndedByKillWaiters() {
        // The same moment, but no run of ours is in progress: the account's BLOCK_DDL is a stale job's.
        Snapshot s = CapturedProcesslist.loadWithNoRunInProgress("mariabackup-behind-myisam-update.tsv");
        List<Decision> waiters = new KillPolicy(captured(Action.KILL_WAITERS, 2)).decide(s);
        assertEquals(List.of(16L), acted(waiters));
        assertEquals(Decision.Kind.KILL_QUERY, waiters.get(0).kind());
        assertEquals("kill-waiters", waiters.get(0).rule());
        assertEquals(List.of(), acted(new KillPolicy(captured(Action.KILL_BACKUP, 2)).decide(s)),
                "no run in progress: kill-backup has nothing of ours to end");
    }

    @Test
    void capturedHotcopyKillWaitersEndsTheHotcopyRequestOnly() {
        Snapshot s = CapturedProcesslist.load("hotcopy-behind-myisam-update.tsv");
        List<Decision> d = new KillPolicy(captured(Action.KILL_WAITERS, 2)).decide(s);
        assertEquals(1, d.size(), d.toString());
        assertEquals(26, d.get(0).session().id());
        assertEquals(Decision.Kind.KILL_QUERY, d.get(0).kind());
        assertEquals(List.of(30L, 32L, 33L), d.get(0).blockerOf());
        assertEquals(List.of(25L), acted(new KillPolicy(captured(Action.KILL_BLOCKER, 2)).decide(s)));
        // The hotcopy is root's, not the backup account's: kill-backup has nothing of ours to end.
        List<Decision> backup = new KillPolicy(captured(Action.KILL_BACKUP, 2)).decide(s);
        assertEquals(List.of(), acted(backup));
        assertTrue(backup.get(0).why().contains("no backup session holds or waits for a lock"), backup.get(0).why());
    }

    @Test
    void capturedIdleMaintenanceLockHolderIsFoundOnlyWithLockInformation() {
        Decision with = new KillPolicy(captured(Action.KILL_BLOCKER, 2))
                .decide(CapturedProcesslist.load("hotcopy-behind-idle-lock-holder.tsv")).get(0);
        assertEquals(47, with.session().id(), "maint, idle with LOCK TABLES shop.audit WRITE");
        assertEquals(Decision.Kind.KILL, with.kind());
        assertTrue(with.why().endsWith("blocker is the lock holder"), with.why());
        Decision without = new KillPolicy(captured(Action.KILL_BLOCKER, 2))
                .decide(CapturedProcesslist.loadWithoutLockInfo("hotcopy-behind-idle-lock-holder.tsv")).get(0);
        assertEquals("no-blocker", without.rule());
        assertEquals(48, without.session().id());
        assertEquals(List.of(48L), acted(new KillPolicy(captured(Action.KILL_WAITERS, 2))
                .decide(CapturedProcesslist.load("hotcopy-behind-idle-lock-holder.tsv"))));
    }

    @Test
    void capturedBackupStageOfAnotherToolIsAStuckRequestTheAlterBesideItIsNot() {
        Snapshot s = CapturedProcesslist.load("backup-stage-of-another-tool-behind-update.tsv");
        List<Decision> d = new KillPolicy(captured(Action.KILL_WAITERS, 2)).decide(s);
        assertEquals(List.of(37L), d.stream().map(x -> x.session().id()).toList());
        assertEquals(Decision.Kind.KILL_QUERY, d.get(0).kind());
        assertEquals(List.of(36L), d.get(0).blockerOf());
    }

    @Test
    void capturedGlobalReadLockRequestKillWaitersFreesTheInnoDbWriterAndLeavesTheUpdate() {
        Snapshot s = CapturedProcesslist.load("ftwrl-behind-myisam-update.tsv");
        List<Decision> d = new KillPolicy(captured(Action.KILL_WAITERS, 2)).decide(s);
        assertEquals(List.of(54L), acted(d));
        assertEquals(List.of(55L), d.get(0).blockerOf());
        Decision blocker = new KillPolicy(captured(Action.KILL_BLOCKER, 2)).decide(s).get(0);
        assertEquals(53, blocker.session().id(), "the UPDATE, not the Binlog Dump thread running longer");
        assertEquals(Decision.Kind.KILL, blocker.kind());
    }

    @Test
    void capturedAlterBehindAnUpdateIsNoPileUpWhateverThePolicy() {
        // The ALTER has waited 3s in 'Waiting for table level lock': a lock wait, but no read-lock request.
        Snapshot s = CapturedProcesslist.load("alter-behind-update.tsv");
        assertEquals("Waiting for table level lock", s.byId(40).orElseThrow().state());
        for (Action action : Action.values()) {
            assertEquals(List.of(), new KillPolicy(captured(action, 0)).decide(s), action.key());
        }
    }

    @Test
    void capturedReplicaTheSqlThreadIsTheBlockerAndProtected() {
        Snapshot s = CapturedProcesslist.load("replica-hotcopy-behind-sql-thread.tsv");
        Decision blocker = new KillPolicy(captured(Action.KILL_BLOCKER, 2)).decide(s).get(0);
        assertEquals(6, blocker.session().id(), "the SQL thread replaying the UPDATE holds shop.audit");
        assertEquals(Decision.Kind.NONE, blocker.kind());
        assertEquals("protected", blocker.rule());
        assertTrue(blocker.why().endsWith("not killed: a replication or system thread (system user)"), blocker.why());
        List<Decision> waiters = new KillPolicy(captured(Action.KILL_WAITERS, 2)).decide(s);
        assertEquals(List.of(10L), acted(waiters), "the hotcopy-style request, not the local writer 11");
    }

    @Test
    void capturedMatchEverythingNeverActsOnProtectedSessionsNorVictims() {
        for (String name : CAPTURED) {
            for (Snapshot s : List.of(CapturedProcesslist.load(name), CapturedProcesslist.loadWithoutLockInfo(name))) {
                for (Action action : Action.values()) {
                    List<Decision> d = new KillPolicy(captured(action, 0)).decide(s);
                    for (Decision x : d) {
                        Session target = x.session();
                        if (!x.acts()) {
                            continue;
                        }
                        String where = name + " " + action.key() + ": " + x;
                        assertTrue(!"system user".equals(target.user()) && !"event_scheduler".equals(target.user())
                                && !"Binlog Dump".equals(target.command()) && !s.ours().contains(target.id()), where);
                        assertTrue(!PileUp.waiting(target) || PileUp.isReadLockRequest(target.info()),
                                "a victim was targeted: " + where);
                    }
                }
            }
        }
    }
}
