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
import java.util.concurrent.TimeUnit;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.S3Pair;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup that leaves the host ([2.2]), end to end against a real S3-compatible store (S3Proxy)
 * and the real mariabackup: the stream is cut into chunk objects (small chunks here, so there are
 * several), the manifest lands last, the backup is verified where it lies, a changed chunk makes
 * it INVALID naming the object, and a replica is rebuilt straight from the store.
 */
class StoreStreamIT {
    private static final String BUCKET = "backups";
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
        store = S3Pair.start(shared, BUCKET, "s3s", primary -> {
            Workload.load(primary, 5_000);
            primary.execute("CREATE TABLE shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB");
        });
        pair = store.pair();
        s3 = store.s3();
    }

    /**
     * The primary backed up into s3://backups/site-a in 1 MiB chunks, compressed or not (the
     * uncompressed stream is tens of MiB: many chunks); replica r1 restorable.
     */
    private Path config(boolean compress) throws IOException {
        return store.config(dir, "repository:\n"
                + s3.repositoryYaml("  ", "s3://" + BUCKET + "/site-a", dir)
                + "  chunk-size: 1MiB\n"
                + "  upload-parallel: 3",
                yaml -> yaml.replace("  parallel: 2\n", "  parallel: 2\n  compress: " + (compress ? "zstd" : "none") + "\n"));
    }

    private Map<String, Object> backup(Path config) throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        return TestSetup.newest(config);
    }

    private Path objects(Map<String, Object> b) {
        return s3.objectFile(BUCKET, "site-a/" + b.get("instance") + "/" + b.get("id"));
    }

    @Test
    void theStreamLiesInTheStoreAsChunksWithTheManifestAndIsVerifiedThere() throws Exception {
        Path config = config(false);
        Map<String, Object> b = backup(config);

        assertEquals("VERIFIED", b.get("status"), b.toString());
        Path objects = objects(b);
        List<Path> chunks;
        try (var list = Files.list(objects.resolve("chunks"))) {
            chunks = list.sorted().toList();
        }
        assertTrue(chunks.size() > 1, "1 MiB chunks: the stream is cut in several (" + chunks + ")");
        assertTrue(Files.isRegularFile(objects.resolve("manifest.json")), "the manifest is in the store");
        assertTrue(Files.isRegularFile(objects.resolve("xtrabackup_checkpoints")), "the engine's files too");
        Path local = Path.of((String) b.get("path"));
        assertTrue(local.startsWith(dir.resolve("state")), "the local folder is under state-dir: " + local);
        assertFalse(Files.exists(local.resolve("data")), "no copy of the data on the database host");
        assertFalse(Files.exists(dir.resolve("repo")), "nothing in a local repository");

        Manifest manifest = Manifest.read(local);
        assertEquals(Manifest.STREAM_FORMAT, manifest.format());
        assertEquals(chunks.size(), manifest.stream().chunks().size());
        assertTrue(manifest.stream().files().stream().anyMatch(f -> f.path().equals("shop/marks.frm")),
                "every file of the stream is listed with its checksum");
        assertTrue(manifest.stream().files().stream().allMatch(f -> f.checksum() != null));

        // A DBA without this tool: the chunks in order into mbstream -x.
        Path byHand = Files.createDirectory(dir.resolve("by-hand"));
        Process mbstream = new ProcessBuilder("mbstream", "-x", "-C", byHand.toString()).start();
        try (var out = mbstream.getOutputStream()) {
            for (Path c : chunks) {
                Files.copy(c, out);
            }
        }
        assertTrue(mbstream.waitFor(60, TimeUnit.SECONDS) && mbstream.exitValue() == 0, "mbstream -x extracts it");
        for (Manifest.FileEntry f : manifest.stream().files()) {
            assertEquals(f.checksum(), FileChecksums.crc32c(byHand.resolve(f.path())), f.path());
        }
    }

    @Test
    void theGuardedDeleteRemovesABackupFromTheStoreAndItsLocalFolderAndNothingElse() throws Exception {
        Path config = config(true);
        Map<String, Object> older = backup(config);
        Map<String, Object> newer = backup(config);
        Path local = Path.of((String) older.get("path"));
        assertTrue(Files.isDirectory(objects(older)) && Files.isDirectory(local));

        assertTrue(OwnedFolders.deleteBackup(local.getParent(), (String) older.get("id")));

        assertFalse(Files.exists(objects(older).resolve("manifest.json")), "the commit marker went first");
        try (var left = Files.walk(objects(older))) {
            assertEquals(0, left.filter(Files::isRegularFile).count(), "no object of it is left in the store");
        } catch (java.nio.file.NoSuchFileException gone) {
            // the store's folder went with its last object
        }
        assertFalse(Files.exists(local), "its local folder is gone");
        assertTrue(Files.isRegularFile(objects(newer).resolve("manifest.json")), "the other backup is untouched");
        assertTrue(Files.isDirectory(Path.of((String) newer.get("path"))));
    }

    @Test
    void aChangedChunkMakesTheBackupInvalidNamingTheObject() throws Exception {
        Path config = config(false);
        Map<String, Object> b = backup(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
        Path chunk = objects(b).resolve("chunks/00000001");
        TestSetup.flipMiddleByte(chunk);

        Result verify = TestSetup.cli("--config", config.toString(), "verify", "--latest");

        assertEquals(3, verify.exitCode(), verify.toString());
        Map<String, Object> after = TestSetup.newest(config);
        assertEquals("INVALID", after.get("status"));
        String reason = (String) after.get("reason");
        assertTrue(reason.contains("chunks/00000001"), reason);
    }

    @Test
    void aReplicaIsRebuiltStraightFromTheStore() throws Exception {
        Path config = config(true);
        Map<String, Object> b = backup(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
        mark("after-backup");
        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.marks VALUES ('replica-only')");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertEquals(0, marks("replica-only"), "the drifted write is gone");
        assertEquals(1, marks("after-backup"), "rolled forward past the backup from the primary's binlog");
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(SqlValues.count(pair.primary(), "SELECT COUNT(*) FROM shop.orders"),
                SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.orders"));
    }

    private static void mark(String name) throws Exception {
        pair.primary().execute("INSERT INTO shop.marks VALUES ('" + name + "')");
    }

    private static long marks(String name) throws Exception {
        return SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.marks WHERE name = '" + name + "'");
    }
}
