package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.testing.ArgvWatcher;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 14:03 story against a real primary and replica: a table dropped on the primary, and
 * {@code backup restore --to DIR --until} bringing it back beside production, touching neither.
 */
class SideRestoreIT {
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path dir;
    private ReplicationPair pair;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void startPair() throws Exception {
        pair = ReplicationPair.start("srs");
        TestSetup.createBackupUser(pair.primary());
        Workload.load(pair.primary(), 500);
        pair.primary().execute("CREATE TABLE shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : started) {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        if (pair != null) {
            pair.close();
        }
    }

    private Path config() throws IOException {
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        return TestSetup.config(dir, pair.primary(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()));
    }

    /**
     * A target after everything so far, to the second: the next whole second, waited for, so that
     * a backup that ended within this second is not taken for one past the target.
     */
    private static String untilNow() throws InterruptedException {
        LocalDateTime now = LocalDateTime.now();
        LocalDateTime next = now.withNano(0).plusSeconds(1);
        Thread.sleep(java.time.Duration.between(now, next).toMillis() + 50);
        return next.format(UNTIL);
    }

    private void backup(Path config) {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
    }

    private void mark(String name) throws Exception {
        pair.primary().execute("INSERT INTO shop.marks VALUES ('" + name + "')");
    }

    @Test
    void aTableDroppedAt1403ComesBackBesideProductionAsItWasAtTheTarget() throws Exception {
        Path config = config();
        backup(config);
        mark("before-1");
        mark("before-2");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after-1");
        pair.primary().execute("DROP TABLE shop.marks");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        List<Path> serversBefore = folderNames();
        Path side = dir.resolve("side");

        Result restore;
        try (ArgvWatcher watcher = new ArgvWatcher(List.of("mariadb-binlog", "mariadb", "mariadbd", "mariabackup"))) {
            restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                    target.format(UNTIL), "--to", side.toString());
            watcher.close();
            // mariadb-binlog may live shorter than the watcher's 20 ms poll: PrimaryEventsTest
            // proves its argv; this scans whatever the host could see meanwhile.
            assertTrue(watcher.seen().stream().anyMatch(a -> a.contains("--skip-grant-tables")), "" + watcher.seen());
            for (String argv : watcher.seen()) {
                assertFalse(argv.contains(ReplicationPair.REPL_PASSWORD), "replication password in argv: " + argv);
                assertFalse(argv.contains(TestSetup.BACKUP_PASSWORD), "backup password in argv: " + argv);
            }
        }

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("restore ") && restore.out().contains(" DONE"), restore.out());
        assertProductionUntouched(serversBefore);
        assertEquals(List.of("to " + side + " DONE"), restoreRows(config), "the catalog row");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains("side-work")).toList(),
                    "the working copy is gone");
        }
        // A plain server, started by hand as the runbook says, has the table as it was at the target.
        Path socket = dir.resolve("byhand.sock");
        Process byHand = startByHand(side, socket);
        assertEquals(List.of("before-1", "before-2"), names(socket, "SELECT name FROM shop.marks ORDER BY name"));
        stop(byHand);
    }

    @Test
    void eventsThePrimaryPurgedComeFromTheBinlogArchive() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config) + "binlogs:\n  archive: on\n");
        pair.primary().execute("GRANT REPLICATION SLAVE ON *.* TO 'backup'@'127.0.0.1'");
        backup(config);
        mark("before-1");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after-1");
        pair.primary().execute("DROP TABLE shop.marks", "FLUSH BINARY LOGS");
        Result pull = TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once");
        assertEquals(0, pull.exitCode(), pull.toString());
        pair.purgeAllButNewestBinlog();
        Path side = dir.resolve("side");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                target.format(UNTIL), "--to", side.toString());

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("read from the binlog archive"), restore.out());
        Path socket = dir.resolve("byhand.sock");
        Process byHand = startByHand(side, socket);
        assertEquals(List.of("before-1"), names(socket, "SELECT name FROM shop.marks ORDER BY name"));
        stop(byHand);
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("bs-side-events-"))
                    .toList(), "the fetched binlogs are removed");
        }
    }

    @Test
    void aPrimaryThatIsDownLeavesTheArchiveToServeTheEvents() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config) + "binlogs:\n  archive: on\n");
        pair.primary().execute("GRANT REPLICATION SLAVE ON *.* TO 'backup'@'127.0.0.1'");
        backup(config);
        mark("before-1");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after-1");
        pair.primary().execute("FLUSH BINARY LOGS");
        Result pull = TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once");
        assertEquals(0, pull.exitCode(), pull.toString());
        pair.primary().stop(); // the 14:03 server is gone
        Path side = dir.resolve("side");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                target.format(UNTIL), "--to", side.toString());

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("read from the binlog archive"), restore.out());
        Path socket = dir.resolve("byhand.sock");
        Process byHand = startByHand(side, socket);
        assertEquals(List.of("before-1"), names(socket, "SELECT name FROM shop.marks ORDER BY name"));
        stop(byHand);
    }

    @Test
    void aBackupTakenOnTheReplicaRollsForwardFromThePrimarysBinlogs() throws Exception {
        // As in the field: the hourly backup runs on the replica; the events come from its primary.
        Path config = config();
        Files.writeString(config, Files.readString(config).replace("  port: " + pair.primary().port() + "\n  user: "
                + TestSetup.BACKUP_USER, "  port: " + pair.replica().port() + "\n  user: " + TestSetup.BACKUP_USER));
        backup(config);
        mark("before-1");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after-1");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        Path side = dir.resolve("side");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                target.format(UNTIL), "--to", side.toString());

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("read from the binlogs of the primary 127.0.0.1:" + pair.primary().port()),
                restore.out());
        Path socket = dir.resolve("byhand.sock");
        Process byHand = startByHand(side, socket);
        assertEquals(List.of("before-1"), names(socket, "SELECT name FROM shop.marks ORDER BY name"));
        stop(byHand);
    }

    @Test
    void anIncrementalChainIsPreparedIntoTheFolderAndRolledForward() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config)
                + "retention: {hourly: 1, daily: 0, weekly: 0, min-verified: 1}\n");
        backup(config);
        mark("between");
        Result inc = TestSetup.cli("--config", config.toString(), "run", "--type", "incremental");
        assertEquals(0, inc.exitCode(), inc.toString());
        mark("before-1");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after-1");
        Path side = dir.resolve("side");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                target.format(UNTIL), "--to", side.toString());

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("chain of 2"), restore.out());
        Path socket = dir.resolve("byhand.sock");
        Process byHand = startByHand(side, socket);
        assertEquals(List.of("before-1", "between"), names(socket, "SELECT name FROM shop.marks ORDER BY name"));
        stop(byHand);
        assertEquals(0, TestSetup.cli("--config", config.toString(), "verify", "--all").exitCode(),
                "the stored chain is intact");
    }

    @Test
    void serveLeavesAServerWhoseDumpLineWorksAndStopEndsIt() throws Exception {
        Path config = config();
        backup(config);
        mark("before-1");
        pair.primary().execute("DROP TABLE shop.marks");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        Path side = dir.resolve("served");

        // Up to and including the transaction before the DROP.
        String[] last = SqlValues.single(pair.primary(), "SELECT @@gtid_binlog_pos").split("-");
        String beforeDrop = last[0] + "-" + last[1] + "-" + (Long.parseLong(last[2]) - 1);

        // In a JVM of its own, as bin/backup runs it: the served server must outlive the command.
        Result restore = cliProcess("--config", config.toString(), "restore", "--latest", "--until-gtid",
                beforeDrop, "--to", side.toString(), "--serve");

        assertEquals(0, restore.exitCode(), restore.toString());
        ServeRecord record = ServeRecord.read(side).orElseThrow();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(side)), "only this user reaches the socket inside");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ServeRecord.file(side))));
        assertTrue(record.running().isPresent(), "the side server runs after the command exited");
        String dump = restore.out().lines().filter(l -> l.contains("take a table out:")).findFirst().orElseThrow();
        String command = dump.substring(dump.indexOf("mariadb-dump")).replace("DB TABLE > TABLE.sql", "shop marks");
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String sql = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), command + ": " + sql);
        assertTrue(sql.contains("INSERT INTO `marks` VALUES") && sql.contains("'before-1'"), sql);
        assertTrue(restore.out().contains("stop it:           backup restore --stop " + side), restore.out());

        Result stop = TestSetup.cli("restore", "--stop", side.toString());

        assertEquals(0, stop.exitCode(), stop.toString());
        assertTrue(stop.out().contains("stopped the side server (pid " + record.pid() + ")"), stop.out());
        assertTrue(ProcessHandle.of(record.pid()).map(h -> !h.isAlive() || ServeRecord.zombie(record.pid()))
                .orElse(true), "the side server ended");
        assertFalse(Files.exists(side.resolve(SideServer.SOCKET)), "its socket is gone");
        Result again = TestSetup.cli("restore", "--stop", side.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains("no side server of ours is recorded in " + side), again.err());
    }

    @Test
    void aTargetWhoseBinlogsThePrimaryPurgedIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path config = config();
        backup(config);
        mark("after-backup");
        pair.primary().execute("FLUSH BINARY LOGS");
        pair.purgeAllButNewestBinlog();
        Path side = dir.resolve("side");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                untilNow(), "--to", side.toString());

        assertEquals(1, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: the primary no longer has binlog mysql-bin.000001"), restore.err());
        assertTrue(restore.err().contains("(no roll-forward possible); nothing was written"), restore.err());
        assertFalse(Files.exists(side), "no folder created");
        assertEquals(List.of(), restoreRows(config), "a refusal before anything was written leaves no row");
    }

    @Test
    void aTargetBeforeTheBackupOrBeyondThePrimaryIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path config = config();
        LocalDateTime before = LocalDateTime.now().minusMinutes(5).truncatedTo(ChronoUnit.SECONDS);
        backup(config);
        String id = (String) TestSetup.newest(config).get("id");
        Path side = dir.resolve("side");

        Result byTime = TestSetup.cli("--config", config.toString(), "restore", "--id", id, "--until",
                before.format(UNTIL), "--to", side.toString());
        Result byGtid = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until-gtid", "0-1-1",
                "--to", side.toString());

        assertEquals(2, byTime.exitCode(), byTime.toString());
        assertTrue(byTime.err().contains("error: backup " + id + " finished at "), byTime.err());
        assertTrue(byTime.err().contains(", after the target " + before.format(UNTIL)), byTime.err());
        assertEquals(1, byGtid.exitCode(), byGtid.toString());
        assertTrue(byGtid.err().contains("error: no VERIFIED backup of srsp is at or before GTID 0-1-1"),
                byGtid.err());
        assertFalse(Files.exists(side), "no folder created");

        // A GTID the primary never wrote: mariadb-binlog would read to the end and exit 0.
        String written = SqlValues.single(pair.primary(), "SELECT @@gtid_binlog_pos");
        Result never = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until-gtid",
                "0-1-999999", "--to", side.toString());
        assertEquals(2, never.exitCode(), never.toString());
        assertTrue(never.err().contains("error: the primary 127.0.0.1:" + pair.primary().port() + " has written up "
                + "to GTID " + written + ", not yet 0-1-999999: the target was never reached; nothing was written"),
                never.err());
        assertFalse(Files.exists(side), "no folder created");
    }

    @Test
    void aPrepareThatFailsIsRecordedFailedAndSaysTheFolderIsIncomplete() throws Exception {
        Path config = config();
        backup(config);
        pair.primary().execute("DROP TABLE shop.marks");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        // The engine fails at --prepare only, as it would on a copy it cannot recover.
        Path engine = dir.resolve("failing-prepare.sh");
        Files.writeString(engine, "#!/bin/sh\ncase \" $* \" in *\" --prepare \"*) echo 'injected: prepare "
                + "failed' >&2; exit 1;; esac\nexec mariabackup \"$@\"\n");
        Files.setPosixFilePermissions(engine, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(config, Files.readString(config).replace("engine:\n", "engine:\n  tool: " + engine + "\n"));
        List<Path> serversBefore = folderNames();
        Path side = dir.resolve("side");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                untilNow(), "--to", side.toString());

        assertEquals(1, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains(" into " + side + " FAILED at prepare failed: "), restore.err());
        assertTrue(restore.err().contains("no configured server was changed"), restore.err());
        assertTrue(restore.err().contains("HINT: what is in " + side + " is incomplete: remove it (rm -rf " + side
                + ") and run the restore again"), restore.err());
        assertEquals(List.of("to " + side + " FAILED"), restoreRows(config));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains("side-work")).toList(),
                    "the working copy is removed");
        }
        assertProductionUntouched(serversBefore);
    }

    /** "replica-column status" of every restore in the catalog. */
    private static List<String> restoreRows(Path config) throws Exception {
        var c = org.backupscheduler.config.ConfigLoader.load(config);
        List<String> rows = new ArrayList<>();
        try (var catalog = org.backupscheduler.catalog.Catalog.open(c.catalogUrl(), c.catalog().user(), null);
             var conn = catalog.connection(); var st = conn.createStatement();
             var rs = st.executeQuery("SELECT replica, status FROM restores ORDER BY started_at")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return rows;
    }

    @Test
    void aNonEmptyFolderIsRefusedAndNothingIsWrittenIntoIt() throws Exception {
        Path config = config();
        Path busy = Files.createDirectory(dir.resolve("busy"));
        Files.writeString(busy.resolve("notes.txt"), "mine\n");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--to", busy.toString());

        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: " + busy + " is not empty (it holds notes.txt); nothing was written"),
                restore.err());
        assertTrue(restore.err().contains("HINT: name a new or empty folder with --to"), restore.err());
        try (var files = Files.list(busy)) {
            assertEquals(List.of(busy.resolve("notes.txt")), files.toList());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains("side-work")).toList());
        }

        // A new folder inside a server's datadir would be a database of that server.
        Path inside = pair.replica().datadir().resolve("restore1403");
        Result intoDatadir = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--to",
                inside.toString());
        assertEquals(2, intoDatadir.exitCode(), intoDatadir.toString());
        assertTrue(intoDatadir.err().contains("error: --to " + inside + " is inside replicas.r1.datadir ("
                + pair.replica().datadir() + "); nothing was written"), intoDatadir.err());
        assertFalse(Files.exists(inside));
    }

    @Test
    void dryRunPrintsThePlanAndWritesNothing() throws Exception {
        Path config = config();
        backup(config);
        Path side = dir.resolve("planned");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                untilNow(), "--to", side.toString(), "--serve", "--dry-run");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("Side restore plan into " + side), restore.out());
        assertTrue(restore.out().contains("no configured server is stopped, moved or re-pointed"), restore.out());
        assertTrue(restore.out().contains("dry run: nothing was written"), restore.out());
        assertFalse(Files.exists(side), "no folder created");
    }

    /** Runs the CLI in a JVM of its own (this test's classpath), as {@code bin/backup} would. */
    private Result cliProcess(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.backupscheduler.cli.Main"));
        argv.addAll(List.of(args));
        Path out = dir.resolve("cli.out");
        Path err = dir.resolve("cli.err");
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the command ends");
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The primary and the replica run on their own datadirs, nothing moved beside them, replication runs. */
    private void assertProductionUntouched(List<Path> before) throws Exception {
        assertEquals(before, folderNames(), "nothing was created or moved beside the servers' datadirs");
        assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
        pair.primary().execute("CREATE TABLE shop.after_restore (id INT PRIMARY KEY)");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(1, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = 'shop' AND table_name = 'after_restore'"), "replication still applies");
        assertEquals(0, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = 'shop' AND table_name = 'marks'"), "the drop stays on the replica");
    }

    private List<Path> folderNames() throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path home : List.of(pair.primary().datadir().getParent(), pair.replica().datadir().getParent())) {
            try (var files = Files.list(home)) {
                files.filter(Files::isDirectory).sorted().forEach(all::add);
            }
        }
        return all;
    }

    private Process startByHand(Path datadir, Path socket) throws Exception {
        List<String> argv = new ArrayList<>(List.of("mariadbd", "--no-defaults", "--datadir=" + datadir,
                "--skip-networking", "--socket=" + socket, "--log-error=" + dir.resolve("byhand.err")));
        if ("root".equals(System.getProperty("user.name"))) {
            argv.add("--user=root");
        }
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("byhand.out").toFile()).start();
        started.add(p);
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
            try (Connection c = connect(socket)) {
                return p;
            } catch (SQLException e) {
                if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IOException("the server started by hand did not come up: "
                            + Files.readString(dir.resolve("byhand.err")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static Connection connect(Path socket) throws SQLException {
        // The backup's own accounts: the sandbox's root has no password on localhost.
        return ServerConnections.open(new Endpoint(null, 0, socket.toString(), "root", ""));
    }

    private static List<String> names(Path socket, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect(socket); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private void stop(Process p) throws InterruptedException {
        p.destroy();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the server started by hand stops");
        assertEquals(0, p.exitValue(), "it stops cleanly");
        started.remove(p);
    }
}
