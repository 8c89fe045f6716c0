package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.backupscheduler.backup.FileChecksums;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.ArgvWatcher;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup restore} rebuilding a real replica of a real primary from real backups. */
class RestoreIT {

    @TempDir
    Path dir;
    private ReplicationPair pair;

    @BeforeEach
    void startPair() throws Exception {
        pair = ReplicationPair.start("rst");
        TestSetup.createBackupUser(pair.primary());
        Workload.load(pair.primary(), 2_000);
        pair.primary().execute("CREATE TABLE shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Backs up the primary; the replica r1 is restorable with its own stop/start commands. */
    private Path config(String datadirLine) throws IOException {
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        String replica = pair.replicaConfigYaml("r1", replPw, datadirLine);
        return TestSetup.config(dir, pair.primary(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                replica);
    }

    private Path config() throws IOException {
        return config("datadir: " + pair.replica().datadir());
    }

    private Map<String, Object> backup(Path config) throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> newest = TestSetup.newest(config);
        assertEquals("VERIFIED", newest.get("status"));
        return newest;
    }

    /** Backup id → status, as 'backup list' shows them. */
    private static Map<String, Object> byId(Path config) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        TestSetup.backups(config).forEach(b -> m.put((String) b.get("id"), b.get("status")));
        return m;
    }

    private void mark(String name) throws Exception {
        pair.primary().execute("INSERT INTO shop.marks VALUES ('" + name + "')");
    }

    private long marks(String name) throws Exception {
        return SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.marks WHERE name = '" + name + "'");
    }

    private void assertReplicatingAndCaughtUp() throws Exception {
        assertEquals("Yes", status("Slave_IO_Running"));
        assertEquals("Yes", status("Slave_SQL_Running"));
        mark("after-restore");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(1, marks("after-restore"), "a row written on the primary after the restore arrives");
        assertEquals(tableChecksums(pair.primary()), tableChecksums(pair.replica()), "the replica's data equals the primary's");
    }

    /** Table → CHECKSUM TABLE value for every table of the schema shop: what "same data" means to a user. */
    private static Map<String, String> tableChecksums(org.backupscheduler.sandbox.SandboxServer server)
            throws java.sql.SQLException {
        Map<String, String> sums = new TreeMap<>();
        try (java.sql.Connection c = server.connect(); java.sql.Statement st = c.createStatement()) {
            List<String> tables = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'shop' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (java.sql.ResultSet rs = st.executeQuery("CHECKSUM TABLE shop.`" + t + "`")) {
                    rs.next();
                    sums.put(t, rs.getString(2));
                }
            }
        }
        return sums;
    }

    private String status(String column) throws Exception {
        String value = pair.slaveStatus(column);
        assertTrue(value != null, "replication is configured");
        return value;
    }

    private List<Path> asideDirs() throws IOException {
        try (var files = Files.list(pair.replica().datadir().getParent())) {
            return files.filter(p -> p.getFileName().toString().startsWith("data.before-restore-")).toList();
        }
    }

    /** The old datadir is kept beside the new one, whole (its tables' files are there), and the output says where. */
    private void assertOldDatadirKept(Result restore) throws IOException {
        List<Path> aside = asideDirs();
        assertEquals(1, aside.size(), "the old datadir is kept aside: " + aside);
        assertTrue(Files.exists(aside.get(0).resolve("shop/marks.frm")), "the old datadir holds its tables");
        assertTrue(restore.out().contains("the old datadir is kept at " + aside.get(0)), restore.out());
    }

    /** After a refusal: the replica still runs on its own datadir, replicating; nothing was moved. */
    private void assertUntouched(Map<String, String> shopBefore) throws Exception {
        assertEquals(List.of(), asideDirs(), "nothing was moved aside");
        assertEquals(List.of(), siblings(".restore-work-").stream()
                .filter(p -> !p.getFileName().toString().endsWith("-20260101-000000")).toList(), "no working copy");
        assertEquals(shopBefore, tree(pair.replica().datadir().resolve("shop")), "the datadir's tables are unchanged");
        assertReplicatingAndCaughtUp();
    }

    private List<Path> siblings(String infix) throws IOException {
        try (var files = Files.list(pair.replica().datadir().getParent())) {
            return files.filter(p -> p.getFileName().toString().startsWith("data" + infix)).toList();
        }
    }

    private Map<String, String> shopTree() throws Exception {
        pair.replica().execute("FLUSH TABLES");
        return tree(pair.replica().datadir().resolve("shop"));
    }

    @Test
    void latestRebuildsADriftedReplicaAndReattachesReplication() throws Exception {
        Path config = config();
        backup(config);
        mark("after-backup");
        // The replica drifts: replication stopped, a local write that the primary never saw.
        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.marks VALUES ('replica-only')");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("restore ") && restore.out().contains(" DONE"), restore.out());
        assertEquals(0, marks("replica-only"), "the drifted write is gone");
        assertEquals(1, marks("after-backup"), "rolled forward past the backup from the primary's binlog");
        assertReplicatingAndCaughtUp();
        assertOldDatadirKept(restore);
        // CHANGE MASTER carried the replication password as a bound value: it is in no output,
        // no restore log and no catalog file.
        assertFalse(restore.toString().contains(ReplicationPair.REPL_PASSWORD), restore.toString());
        try (var files = Files.walk(dir.resolve("repo"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(ReplicationPair.REPL_PASSWORD), "replication password in " + f);
                assertFalse(text.contains(TestSetup.BACKUP_PASSWORD), "backup password in " + f);
            }
        }
    }

    @Test
    void aBackupTakenOnTheReplicaRebuildsItFromThePrimarysCoordinates() throws Exception {
        // As the field report did: the hourly backup runs on the replica.
        Path config = config();
        Files.writeString(config, Files.readString(config).replace("  port: " + pair.primary().port() + "\n  user: "
                + TestSetup.BACKUP_USER, "  port: " + pair.replica().port() + "\n  user: " + TestSetup.BACKUP_USER));
        Map<String, Object> b = backup(config);
        Result show = TestSetup.cli("--config", config.toString(), "show", (String) b.get("id"), "--json");
        assertTrue(show.out().contains("\"source_role\" : \"replica\""), show.out());
        mark("after-replica-backup");
        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.marks VALUES ('replica-only')");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertEquals(0, marks("replica-only"));
        assertReplicatingAndCaughtUp();
        assertEquals(1, marks("after-replica-backup"), "rolled forward from the primary's coordinates");
        assertOldDatadirKept(restore);
    }

    @Test
    void aDamagedNewestBackupIsNeverRestoredTheNextVerifiedOneIsAndTheOutputSaysSo() throws Exception {
        // Two backups in one hour, as a manual run beside the hourly one gives: the hourly bucket
        // keeps only the newest, retention.min-verified (default 2) keeps the older one as well.
        Path config = config();
        Map<String, Object> older = backup(config);
        Map<String, Object> newest = backup(config);
        assertEquals("VERIFIED", byId(config).get((String) older.get("id")), "kept by min-verified");
        Path shop = Path.of((String) newest.get("path")).resolve("data/shop");
        Path file = Files.exists(shop.resolve("marks.ibd")) ? shop.resolve("marks.ibd") : shop.resolve("marks.new");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(100);
            raf.write(raf.read() ^ 0xff);
        }

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(0, restore.exitCode(), restore.toString());
        List<String> notes = restore.out().lines().filter(l -> l.startsWith("  note: ")).toList();
        assertEquals(1, notes.size(), restore.out());
        assertTrue(notes.get(0).startsWith("  note: fell back to backup " + older.get("id") + ", the next VERIFIED "
                + "one: backup " + newest.get("id") + " failed its checksums as it was copied ("), notes.get(0));
        assertTrue(notes.get(0).endsWith("): marked INVALID"), notes.get(0));
        assertTrue(restore.out().contains("use backup " + older.get("id")), restore.out());
        Result show = TestSetup.cli("--config", config.toString(), "show", (String) newest.get("id"), "--json");
        assertTrue(show.out().contains("\"status\" : \"INVALID\""), show.out());
        assertReplicatingAndCaughtUp();
        assertOldDatadirKept(restore);
    }

    @Test
    void untilStopsAtTheLastEventBeforeTheTarget() throws Exception {
        Path config = config();
        backup(config);
        mark("before");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after");

        Result restore;
        try (ArgvWatcher watcher = new ArgvWatcher(List.of("mariadb-binlog", "mariabackup", "mariadb-backup",
                "start-stop-daemon", "mariadb-admin"))) {
            restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1",
                    "--until", target.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
            watcher.close();
            // Every process the restore started, read from /proc as anyone on the host could.
            assertTrue(watcher.seen().stream().anyMatch(a -> a.contains("--read-from-remote-server")), "" + watcher.seen());
            for (String argv : watcher.seen()) {
                assertFalse(argv.contains(ReplicationPair.REPL_PASSWORD), "replication password in argv: " + argv);
                assertFalse(argv.contains(TestSetup.BACKUP_PASSWORD), "backup password in argv: " + argv);
            }
        }

        assertEquals(0, restore.exitCode(), restore.toString());
        assertEquals(1, marks("before"), "the row inserted before the target is there");
        assertEquals(0, marks("after"), "the row inserted after the target is not");
        assertEquals("No", status("Slave_SQL_Running"), "stopped there, replication configured");
        assertOldDatadirKept(restore);
    }

    @Test
    void datadirFromTheConfigWorksWithADefaultsFileThatHasNone() throws Exception {
        Path defaults = dir.resolve("replica.cnf");
        Files.writeString(defaults, "[mysqld]\nport=" + pair.replica().port() + "\n");
        Path config = config("datadir: " + pair.replica().datadir() + "\n    defaults-file: " + defaults);
        backup(config);

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("replicas.r1.datadir"), restore.out());
        assertReplicatingAndCaughtUp();
        assertOldDatadirKept(restore);
    }

    @Test
    void aReplicaWithNoKnownDatadirIsRefusedBeforeAnythingChanges() throws Exception {
        Path defaults = dir.resolve("replica.cnf");
        Files.writeString(defaults, "[mysqld]\nport=" + pair.replica().port() + "\n");
        Path config = config("defaults-file: " + defaults);
        backup(config);
        pair.replica().stop();
        Map<String, String> before = tree(pair.replica().datadir());

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("the datadir of replica r1 is unknown"), restore.err());
        assertTrue(restore.err().contains("HINT: set replicas.r1.datadir"), restore.err());
        assertEquals(before, tree(pair.replica().datadir()), "nothing changed");
        assertEquals(List.of(), asideDirs());
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        Path config = config();
        backup(config);
        pair.replica().execute("FLUSH TABLES");
        Map<String, String> before = tree(pair.replica().datadir().resolve("shop"));

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1",
                "--dry-run");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("Restore plan for replica r1"), restore.out());
        assertTrue(restore.out().contains("dry run: nothing was changed"), restore.out());
        assertEquals(before, tree(pair.replica().datadir().resolve("shop")));
        assertEquals(List.of(), asideDirs());
        assertEquals("Yes", status("Slave_SQL_Running"));

        // A running server keeps writing its logs; stopped, every file of the datadir must stay as it is.
        pair.replica().stop();
        Map<String, String> whole = tree(pair.replica().datadir());
        Result stopped = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1",
                "--dry-run");
        assertEquals(0, stopped.exitCode(), stopped.toString());
        assertTrue(stopped.out().contains("replica r1 is not running"), stopped.out());
        assertEquals(whole, tree(pair.replica().datadir()), "the whole datadir is unchanged");
        assertEquals(List.of(), asideDirs());
        assertEquals(List.of(), siblings(".restore-work-"));
    }

    @Test
    void aStopCommandThatDoesNotStopTheReplicaIsRefusedAndNothingMoves() throws Exception {
        Path config = config();
        Files.writeString(config, Files.readString(config).replaceAll("(?m)^    stop-command: .*$",
                "    stop-command: ['true']"));
        backup(config);
        Map<String, String> before = shopTree();

        Result restore;
        System.setProperty("backupscheduler.restore.server-wait-seconds", "3");
        try {
            restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        } finally {
            System.clearProperty("backupscheduler.restore.server-wait-seconds");
        }

        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: replica r1 at 127.0.0.1:" + pair.replica().port()
                + " still answers 3s after true; nothing was changed"), restore.err());
        assertTrue(restore.err().contains("HINT: make replicas.r1.stop-command stop the server"), restore.err());
        assertUntouched(before);
    }

    /** The datadir's own identity and its files by name: proof that it was neither renamed nor replaced. */
    private String inodeAndFiles() throws IOException {
        Path d = pair.replica().datadir();
        try (var files = Files.list(d)) {
            return Files.getAttribute(d, "unix:ino") + " " + files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRunningReplicaThatRefusesTheConfiguredPasswordIsNotTakenForStopped() throws Exception {
        // Access denied (1045) comes from a server that runs: it must be neither stopped blindly
        // nor have its datadir moved from under it.
        Path config = config();
        Path wrong = TestSetup.passwordFile(dir, "wrong.pw", "not-the-password");
        Files.writeString(config, Files.readString(config).replace("    user: root\n",
                "    user: root\n    password-file: " + wrong + "\n"));
        backup(config);
        String before = inodeAndFiles();
        Map<String, String> shop = shopTree();

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(1, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: replica r1 at 127.0.0.1:" + pair.replica().port() + " runs but "
                + "does not let root in: Access denied for user 'root'@'127.0.0.1' (using password: YES) (error 1045); "
                + "it is not taken for stopped, nothing was changed"), restore.err());
        assertTrue(restore.err().contains("HINT: fix replicas.r1 (user, password-file)"), restore.err());
        assertTrue(pair.replica().isRunning(), "the replica still runs");
        assertEquals(before, inodeAndFiles(), "the same datadir, the same files");
        assertUntouched(shop);
    }

    @Test
    void aDatadirStillHeldByItsServerAfterTheStopCommandIsRefused() throws Exception {
        // The config names a port nothing listens on (connection refused): the server is not
        // reached, but it runs on this datadir, and a stop-command that does nothing leaves it so.
        Path config = config();
        int nobody;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            nobody = s.getLocalPort();
        }
        Files.writeString(config, Files.readString(config)
                .replace("    port: " + pair.replica().port() + "\n", "    port: " + nobody + "\n")
                .replaceAll("(?m)^    stop-command: .*$", "    stop-command: ['true']"));
        backup(config);
        String before = inodeAndFiles();
        Map<String, String> shop = shopTree();

        Result restore;
        System.setProperty("backupscheduler.restore.server-wait-seconds", "2");
        try {
            restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        } finally {
            System.clearProperty("backupscheduler.restore.server-wait-seconds");
        }

        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("stop replica r1 (nothing answers on 127.0.0.1:" + nobody + ", but pid "
                + pair.replica().pid() + " (mariadbd) holds a lock on "), restore.out());
        assertTrue(restore.err().contains("error: replica r1 at 127.0.0.1:" + nobody + " no longer answers, but its "
                + "datadir " + pair.replica().datadir() + " is still in use (pid " + pair.replica().pid()
                + " (mariadbd) holds a lock on "), restore.err());
        assertTrue(restore.err().contains(") 2s after true; nothing was changed"), restore.err());
        assertTrue(pair.replica().isRunning(), "the replica still runs");
        assertEquals(before, inodeAndFiles(), "the same datadir, the same files");
        assertUntouched(shop);
    }

    @Test
    void aReplicaThatIsTheBackupSourceItselfIsRefusedBeforeAnythingChanges() throws Exception {
        // A config copied from the primary's host: r1 is the primary spelled differently (localhost,
        // not 127.0.0.1), and its primary: section names another server, so only what the servers
        // say about themselves gives it away.
        Path config = config("datadir: " + pair.primary().datadir());
        Files.writeString(config, Files.readString(config).replace("    host: 127.0.0.1\n    port: "
                + pair.replica().port(), "    host: localhost\n    port: " + pair.primary().port())
                .replace("primary: {host: 127.0.0.1, port: " + pair.primary().port(),
                        "primary: {host: 127.0.0.1, port: " + pair.replica().port()));
        Map<String, String> before = shopTree();

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: replicas.r1 (localhost:" + pair.primary().port()
                + ") is the backup source (source:), which is not a replica: it answers as host "), restore.err());
        assertTrue(restore.err().contains("a restore would destroy it; nothing was changed"), restore.err());
        assertTrue(restore.err().contains("HINT: point replicas.r1 at a replica"), restore.err());
        assertEquals(1, SqlValues.count(pair.primary(), "SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = 'shop' AND table_name = 'marks'"), "the primary still runs");
        try (var files = Files.list(pair.primary().datadir().getParent())) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains("restore")).toList());
        }
        assertUntouched(before);
    }

    @Test
    void aWorkingCopyLeftByAnEarlierRestoreIsRefusedBeforeAnythingChanges() throws Exception {
        Path config = config();
        Path left = Files.createDirectory(pair.replica().datadir().resolveSibling("data.restore-work-20260101-000000"));
        Map<String, String> before = shopTree();

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: the working copy " + left + " of an earlier restore of replica r1 "
                + "is still there"), restore.err());
        assertTrue(restore.err().contains("HINT: check " + pair.replica().datadir()), restore.err());
        assertTrue(Files.isDirectory(left), "the leftover is not ours to remove");
        assertUntouched(before);
    }

    @Test
    void aDatadirThatIsAMountPointIsRefusedBeforeTheReplicaIsStopped() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: a bind mount needs root");
        Path datadir = pair.replica().datadir();
        Path config = config();
        Map<String, String> before = shopTree();
        // The datadir bound onto itself: the same files, now a mount point, as /var/lib/mysql on its own volume often is.
        Process mount = new ProcessBuilder("mount", "--bind", datadir.toString(), datadir.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0,
                "skipped: mount --bind failed: " + new String(mount.getInputStream().readAllBytes()));
        Result restore;
        try {
            restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        } finally {
            new ProcessBuilder("umount", "-l", datadir.toString()).inheritIO().start().waitFor();
        }

        assertEquals(2, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: the datadir " + datadir + " of replica r1 is a mount point: it "
                + "cannot be moved aside by rename; nothing was changed"), restore.err());
        assertTrue(restore.err().contains("HINT: mount the volume one level up"), restore.err());
        assertUntouched(before);
    }

    @Test
    void aFailedPrepareChangesNothingAndAMoveBackThatFailsAfterTheMoveAsideSaysHowToPutTheOldDatadirBack()
            throws Exception {
        Path config = config();
        backup(config);
        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.marks VALUES ('replica-only')");
        Map<String, String> shopBefore = shopTree();
        // The engine fails at --prepare only, as it would on a working copy it cannot recover: the
        // prepare runs before the stop, so the replica is not stopped and nothing is moved.
        Path engine = dir.resolve("failing-engine.sh");
        Files.writeString(engine, "#!/bin/sh\ncase \" $* \" in *\" --prepare \"*) echo 'injected: prepare "
                + "failed' >&2; exit 1;; esac\nexec mariabackup \"$@\"\n");
        Files.setPosixFilePermissions(engine, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        String original = Files.readString(config);
        Files.writeString(config, original.replace("engine:\n", "engine:\n  tool: " + engine + "\n"));

        Result failedPrepare = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(1, failedPrepare.exitCode(), failedPrepare.toString());
        assertTrue(failedPrepare.err().contains("FAILED at prepare failed"), failedPrepare.err());
        assertTrue(failedPrepare.err().contains("HINT: nothing was moved; the log is in the repository"),
                failedPrepare.err());
        assertFalse(failedPrepare.out().contains("  stop..."), "the replica was not stopped: " + failedPrepare.out());
        assertEquals(1, marks("replica-only"), "the replica still serves its own data");
        assertEquals(List.of(), asideDirs(), "nothing was moved aside");
        assertEquals(List.of(), siblings(".restore-work-"), "the working copy is removed");
        assertEquals(shopBefore, tree(pair.replica().datadir().resolve("shop")), "the datadir's tables are unchanged");
        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.marks VALUES ('replica-only-2')");

        // Now the engine fails at --move-back, after the old datadir was moved aside (as on a full disk).
        Files.writeString(engine, "#!/bin/sh\ncase \" $* \" in *\" --move-back \"*) echo 'injected: move-back "
                + "failed' >&2; exit 1;; esac\nexec mariabackup \"$@\"\n");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(1, restore.exitCode(), restore.toString());
        List<Path> aside = asideDirs();
        assertEquals(1, aside.size(), restore.toString());
        assertTrue(Files.exists(aside.get(0).resolve("shop/marks.frm")), "the old datadir is intact");
        try (var left = Files.list(pair.replica().datadir())) {
            assertEquals(List.of(), left.toList(), "no half-restored datadir: the new one is empty");
        }
        assertTrue(restore.err().contains("FAILED at move-back failed"), restore.err());
        String hint = restore.err().lines().filter(l -> l.startsWith("HINT: ")).findFirst().orElseThrow();
        assertTrue(hint.startsWith("HINT: the old datadir is intact at " + aside.get(0) + "; to put it back: mv "
                + pair.replica().datadir() + " " + pair.replica().datadir() + ".failed-restore-"), hint);
        assertTrue(hint.contains("; mv " + aside.get(0) + " " + pair.replica().datadir() + "; start-stop-daemon "),
                hint);

        // Run the printed commands, as the operator would.
        String commands = hint.substring(hint.indexOf("to put it back: ") + 16, hint.indexOf("; the log is"));
        for (String command : commands.split("; ")) {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), command + ": " + output);
        }
        awaitReplicaAnswers();
        assertEquals(1, marks("replica-only-2"), "the old server is back, with its own data");
        assertEquals(List.of(), asideDirs());
    }

    @Test
    void aBackupDamagedOnDiskIsReadOnceFoundAsItIsCopiedAndRefusedBeforeTheReplicaIsStopped() throws Exception {
        Path config = config();
        Map<String, Object> only = backup(config);
        Path shop = Path.of((String) only.get("path")).resolve("data/shop");
        Path file = Files.exists(shop.resolve("marks.ibd")) ? shop.resolve("marks.ibd") : shop.resolve("marks.new");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(100);
            int b = raf.read();
            raf.seek(100);
            raf.write(b ^ 0xff);
        }
        Map<String, String> shopBefore = shopTree();
        Object datadirInode = Files.readAttributes(pair.replica().datadir(),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        // The plan alone: the structure and sizes are fine, so the dry run cannot see the flipped byte,
        // and says the checksums are taken as the copy is made.
        Result dry = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1",
                "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("use backup " + only.get("id") + ", its structure and file sizes re-checked "
                + "against its manifest just now; its checksums are checked as the working copy is made"), dry.out());
        List<String> order = dry.out().lines().filter(l -> l.matches("  +\\d+\\. .*")).toList();
        int copy = indexOf(order, ". copy it into a working copy");
        int stop = indexOf(order, ". stop replica r1");
        assertTrue(copy >= 0 && stop > copy, "copied before the stop: " + order);

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(1, restore.exitCode(), restore.toString());
        String finding = "backup " + only.get("id") + " failed its checksums as it was copied (was VERIFIED, now "
                + "checksum verification failed: changed file data/shop/" + file.getFileName() + ": expected CRC32C ";
        assertTrue(restore.out().contains("  copy: " + finding), restore.out());
        assertTrue(restore.out().contains("; nothing was changed, the replica was not stopped"), restore.out());
        assertTrue(restore.err().contains("error: no valid backup of " + only.get("instance") + " to restore: "
                + finding), restore.err());
        // One read: no re-check of the checksums before the copy, and nothing after it began.
        assertFalse(restore.out().contains(", re-checked against its manifest just now"), restore.out());
        assertEquals(1, restore.out().lines().filter(l -> l.equals("  copy...")).count(), restore.out());
        assertFalse(restore.out().contains("  stop...") || restore.out().contains("  prepare..."), restore.out());
        Result show = TestSetup.cli("--config", config.toString(), "show", (String) only.get("id"), "--json");
        assertTrue(show.out().contains("\"status\" : \"INVALID\""), show.out());

        // The replica kept serving its own datadir, replicating: nothing moved aside, no working copy left.
        assertEquals(datadirInode, Files.readAttributes(pair.replica().datadir(),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "the same datadir, never renamed");
        assertUntouched(shopBefore);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private void awaitReplicaAnswers() throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
        while (true) {
            try (var c = pair.replica().connect()) {
                return;
            } catch (java.sql.SQLException e) {
                if (java.time.Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void aBackupWhoseBinlogsThePrimaryPurgedIsRefusedBeforeAnythingChanges() throws Exception {
        Path config = config();
        backup(config);
        pair.breakWith1236(() -> {
            try {
                mark("while-stopped");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(1, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("no roll-forward possible"), restore.err());
        assertTrue(restore.err().contains("HINT: take a fresh backup ('backup run') and restore that one"),
                restore.err());
        assertEquals(List.of(), asideDirs(), "nothing was changed");
    }

    @Test
    void error1236IsReportedByReplicaCheckAndRepairedByRestore() throws Exception {
        Path config = config();
        pair.breakWith1236(() -> {
            try {
                mark("while-stopped");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Result check = TestSetup.cli("--config", config.toString(), "replica", "check");
        assertEquals(3, check.exitCode(), check.toString());
        assertTrue(check.out().contains("Last_IO_Errno 1236"), check.out());
        assertTrue(check.out().contains("rebuild it with 'backup restore --latest'"), check.out());

        backup(config);
        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        assertEquals(0, restore.exitCode(), restore.toString());
        assertEquals(1, marks("while-stopped"));
        assertReplicatingAndCaughtUp();
        Result again = TestSetup.cli("--config", config.toString(), "replica", "check", "--json");
        assertEquals(0, again.exitCode(), again.toString());
        assertOldDatadirKept(restore);
    }

    /** Relative path → size and checksum of every file: "the datadir's manifest". */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                m.put(root.relativize(p).toString(), Files.size(p) + ":" + FileChecksums.crc32c(p));
            }
        }
        return m;
    }
}
