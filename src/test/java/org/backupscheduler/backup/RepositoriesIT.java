package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.S3Pair;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two repositories at once ([2.2], pgBackRest's repo1/repo2), with the real engine, a real
 * replication pair and a real S3-compatible store (S3Proxy): a backup lands in the local folder
 * and in the bucket; a restore reads the local copy; with the local copy gone (its folder moved
 * away, as an operator's mistake or a lost disk would), the next restore reads the remote copy;
 * each repository keeps backups by its own retention.
 */
class RepositoriesIT {
    private static final String BUCKET = "durable";
    @AutoClose
    private static S3Pair store;
    private static ReplicationPair pair;
    private static S3ProxyServer s3;
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        store = S3Pair.start(shared, BUCKET, "copies", primary -> primary.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(64)) ENGINE=InnoDB",
                "INSERT INTO shop.orders VALUES (1, 'first'), (2, 'second')"));
        pair = store.pair();
        s3 = store.s3();
    }

    private Path config() throws IOException {
        return store.config(dir, "repositories:\n"
                + "  - name: local\n"
                + "    url: " + dir.resolve("repo") + "\n"
                + "    chunk-size: 4MiB\n"
                + "    retention: {hourly: 0, daily: 0, weekly: 0, min-verified: 1}\n"
                + "  - name: remote\n"
                + s3.repositoryYaml("    ", "s3://" + BUCKET + "/db", dir)
                + "    chunk-size: 4MiB\n"
                + "    retention: {hourly: 48, daily: 30, weekly: 12}", yaml -> yaml);
    }

    @Test
    void theLocalCopyRestoresAndWithItGoneTheRemoteCopyDoes() throws Exception {
        Path config = config();
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = TestSetup.newest(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
        String where = b.get("instance") + "/" + b.get("id");
        Path local = dir.resolve("repo").resolve(where);
        assertTrue(Files.isRegularFile(local.resolve("manifest.json")), "the local copy is committed: " + local);
        assertTrue(Files.isRegularFile(local.resolve("chunks/00000000")), "with its chunks in the folder");
        Path remote = s3.objectFile(BUCKET, "db/" + where);
        assertTrue(Files.isRegularFile(remote.resolve("manifest.json")), "the remote copy is committed: " + remote);
        assertTrue(Files.isRegularFile(remote.resolve("chunks/00000000")), "with its chunks in the bucket");
        assertTrue(Files.readString(remote.resolve("manifest.json")).contains("s3://" + BUCKET + "/db"),
                "the remote copy's manifest names its own repository");

        Result show = TestSetup.cli("--config", config.toString(), "show", (String) b.get("id"));
        assertEquals(0, show.exitCode(), show.toString());
        assertTrue(show.out().contains("local") && show.out().contains("remote") && show.out().contains("STORED"),
                "show lists both copies: " + show.out());

        // 1. The local copy is the one read.
        assertRestored(config, "read from the local copy in repository local", 1);

        // 2. The local copy gone (moved out of the repository, as a lost disk or a stray rm would
        // leave it): the remote copy is read, and the local one is recorded as gone.
        pair.primary().execute("INSERT INTO shop.orders VALUES (3, 'after the backup')");
        Files.move(local, dir.resolve("moved-away"));
        assertRestored(config, "read from the remote copy in repository remote", 2);
        Result after = TestSetup.cli("--config", config.toString(), "show", (String) b.get("id"));
        assertTrue(after.out().contains("INVALID"), "the local copy is recorded as failing: " + after.out());
        assertEquals("VERIFIED", TestSetup.newest(config).get("status"), "the backup stands: one copy is intact");

        // 3. Each repository its own retention: the local one keeps only the newest backup, the
        // remote one keeps both; the older backup stays VERIFIED, restorable from the remote copy.
        Result second = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, second.exitCode(), second.toString());
        Map<String, Object> newer = TestSetup.newest(config);
        assertFalse(b.get("id").equals(newer.get("id")));
        String older = TestSetup.cli("--config", config.toString(), "show", (String) b.get("id")).out();
        assertTrue(older.matches("(?s).*\\n  local +REMOVED .*"), "the local copy removed by its retention: " + older);
        assertTrue(older.matches("(?s).*\\n  remote +STORED .*"), "the remote copy kept by its own: " + older);
        assertTrue(older.matches("(?s).*\\nstatus +VERIFIED\\n.*"), older);
        assertTrue(Files.isRegularFile(remote.resolve("manifest.json")));
        String list = TestSetup.cli("--config", config.toString(), "list").out();
        assertTrue(list.matches("(?s).*" + newer.get("id") + " [^\\n]*\\[local\\+remote\\] .*"), list);
        assertTrue(list.matches("(?s).*" + b.get("id") + " [^\\n]*\\[remote\\] .*"), list);
        Result verify = TestSetup.cli("--config", config.toString(), "verify", b.get("id").toString(),
                "--repository", "remote");
        assertEquals(0, verify.exitCode(), verify.toString());
    }

    @Test
    void aCopyTheStoreRefusesLeavesTheBackupInThePrimaryAndSaysWhere() throws Exception {
        Path config = config();
        Result run;
        s3.stop();
        try {
            run = TestSetup.cli("--config", config.toString(), "run");
        } finally {
            s3.restart();
        }
        assertEquals(0, run.exitCode(), "the backup itself is whole in the primary: " + run);
        Map<String, Object> b = TestSetup.newest(config);
        assertEquals("VERIFIED", b.get("status"), "proved by its local copy: " + b);
        String where = b.get("instance") + "/" + b.get("id");
        assertFalse(Files.exists(s3.objectFile(BUCKET, "db/" + where + "/manifest.json")), "no remote copy counts");
        String show = TestSetup.cli("--config", config.toString(), "show", (String) b.get("id")).out();
        assertTrue(show.matches("(?s).*\\n  local +STORED .*"), show);
        assertTrue(show.matches("(?s).*\\n  remote +INVALID .*"), "the missing copy is said: " + show);

        // Verifying the remote copy alone: exit 3 for that copy; the backup stays VERIFIED by its local one.
        Result remoteOnly = TestSetup.cli("--config", config.toString(), "verify", (String) b.get("id"),
                "--repository", "remote");
        assertEquals(3, remoteOnly.exitCode(), remoteOnly.toString());
        assertEquals("VERIFIED", TestSetup.newest(config).get("status"));
        Result unknown = TestSetup.cli("--config", config.toString(), "verify", "--latest", "--repository", "tape");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("no repository named 'tape'"), unknown.err());
    }

    @Test
    void catalogRebuildFindsTheCopiesInEveryRepositoryAndTheLocalOneIsStillReadFirst() throws Exception {
        Path config = config();
        // Both backups kept in both repositories; a bucket prefix of its own (the bucket is shared).
        Files.writeString(config, Files.readString(config)
                .replace("retention: {hourly: 0, daily: 0, weekly: 0, min-verified: 1}", "retention: {hourly: 48, daily: 30, weekly: 12}")
                .replace("s3://" + BUCKET + "/db", "s3://" + BUCKET + "/rebuilt"));
        for (int i = 0; i < 2; i++) {
            Result run = TestSetup.cli("--config", config.toString(), "run");
            assertEquals(0, run.exitCode(), run.toString());
        }
        List<Map<String, Object>> before = TestSetup.backups(config);
        assertEquals(2, before.size(), before.toString());
        String instance = (String) before.get(0).get("instance");
        Path instanceDir = dir.resolve("repo").resolve(instance);

        // The catalog lost (its file moved aside, as a user would before rebuilding).
        Files.move(dir.resolve("repo/catalog.mv.db"), dir.resolve("catalog.mv.db.lost"));
        Result rebuild = TestSetup.cli("--config", config.toString(), "catalog", "rebuild");
        assertEquals(0, rebuild.exitCode(), rebuild.toString());
        List<Map<String, Object>> after = TestSetup.backups(config);
        assertEquals(2, after.size(), after.toString());
        for (Map<String, Object> b : after) {
            assertEquals(Map.of("local", "STORED", "remote", "STORED"), b.get("copies"), "both copies found: " + b);
            assertEquals("VERIFIED", b.get("status"), b.toString());
        }
        String show = TestSetup.cli("--config", config.toString(), "show", (String) after.get(0).get("id")).out();
        assertTrue(show.matches("(?s).*\\n  local +STORED .*") && show.matches("(?s).*\\n  remote +STORED .*"), show);
        assertRestored(config, "read from the local copy in repository local", 3);

        // Lost again, and the older backup's local folder with it: it comes back from the remote copy alone.
        String older = (String) after.get(1).get("id");
        Files.move(dir.resolve("repo/catalog.mv.db"), dir.resolve("catalog.mv.db.lost2"));
        Files.move(instanceDir.resolve(older), dir.resolve("older-moved-away"));
        rebuild = TestSetup.cli("--config", config.toString(), "catalog", "rebuild");
        assertEquals(0, rebuild.exitCode(), rebuild.toString());
        assertTrue(rebuild.out().contains(older) && rebuild.out().contains("repository remote"), rebuild.out());
        Map<String, Object> fromRemote = TestSetup.backups(config).stream()
                .filter(b -> older.equals(b.get("id"))).findFirst().orElseThrow();
        assertEquals(Map.of("remote", "STORED"), fromRemote.get("copies"), "the remote copy only: " + fromRemote);
        assertEquals("VERIFIED", fromRemote.get("status"), "verified where it lies: " + fromRemote);
        Result verify = TestSetup.cli("--config", config.toString(), "verify", older);
        assertEquals(0, verify.exitCode(), verify.toString());

        // What a read fetched of the remote copy is gone once the read ended ...
        Path copies = instanceDir.resolve(".copies");
        assertEquals(List.of(), files(copies), "no fetched copy left after the reads");
        // ... and what a process that died left is swept at the next start.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path leftover = copies.resolve(ProcessIdentity.hostName() + "-" + gone.pid());
        OwnedFolders.makeScratch(leftover);
        Files.createDirectories(leftover.resolve("remote").resolve(older));
        Files.writeString(leftover.resolve("remote").resolve(older).resolve("manifest.json"), "{}");
        assertEquals(0, TestSetup.cli("--config", config.toString(), "list").exitCode());
        assertFalse(Files.exists(leftover), "a dead process's fetched copies are swept: " + files(copies));
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private void assertRestored(Path config, String copyLine, int round) throws Exception {
        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.orders VALUES (100, 'replica only')");
        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains(copyLine), "says which copy it read: " + restore.out());
        assertEquals(0, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.orders WHERE id = 100"),
                "the replica's own row is gone with its old datadir");
        assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
        pair.primary().execute("INSERT INTO shop.orders VALUES (" + (200 + round) + ", 'after restore " + round + "')");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(SqlValues.count(pair.primary(), "SELECT COUNT(*) FROM shop.orders"),
                SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.orders"), "replicating, rows equal");
        assertFalse(restore.out().contains("marked INVALID"), restore.out());
    }
}
