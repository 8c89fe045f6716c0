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

    /**
     * Retention after every run keeps one VERIFIED backup per hour, so two backups taken a minute
     * apart would leave only the newest. Moving the older one into the previous hour keeps both,
     * as two backups of different hours would be in production.
     */
    private static void startedAnHourEarlier(Path config, String id) throws Exception {
        var c = org.backupscheduler.config.ConfigLoader.load(config);
        try (var catalog = org.backupscheduler.catalog.Catalog.open(c.catalogUrl(), c.catalog().user(), null);
             var conn = catalog.connection();
             var ps = conn.prepareStatement("UPDATE backups SET started_at = started_at - 3600000 WHERE id = ?")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate());
        }
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
        List<Path> aside = asideDirs();
        assertEquals(1, aside.size(), "the old datadir is kept aside");
        assertTrue(Files.exists(aside.get(0).resolve("shop/marks.frm")));
        assertTrue(restore.out().contains("the old datadir is kept at " + aside.get(0)), restore.out());
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
    }

    @Test
    void aDamagedNewestBackupIsNeverRestoredThePreviousValidOneIs() throws Exception {
        Path config = config();
        Map<String, Object> older = backup(config);
        startedAnHourEarlier(config, (String) older.get("id"));
        Map<String, Object> newest = backup(config);
        Path shop = Path.of((String) newest.get("path")).resolve("data/shop");
        Path file = Files.exists(shop.resolve("marks.ibd")) ? shop.resolve("marks.ibd") : shop.resolve("marks.new");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(100);
            raf.write(raf.read() ^ 0xff);
        }

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("backup " + newest.get("id") + " failed its re-check now"), restore.out());
        assertTrue(restore.out().contains("use backup " + older.get("id")), restore.out());
        Result show = TestSetup.cli("--config", config.toString(), "show", (String) newest.get("id"), "--json");
        assertTrue(show.out().contains("\"status\" : \"INVALID\""), show.out());
        assertReplicatingAndCaughtUp();
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
        assertEquals(1, asideDirs().size());
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
        assertEquals(1, asideDirs().size());
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
