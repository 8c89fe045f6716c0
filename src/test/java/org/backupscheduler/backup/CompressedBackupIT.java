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
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.verify.WorkingCopy;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine.compress: zstd} end to end, with the real mariabackup, zstd and mbstream: the
 * backup is one compressed stream, it is verified (structure, checksum, prepare), a changed byte
 * makes it INVALID, and a replica is rebuilt from it.
 */
class CompressedBackupIT {
    private static ReplicationPair pair;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPair() throws Exception {
        pair = ReplicationPair.start("cmp");
        TestSetup.createBackupUser(pair.primary());
        Workload.load(pair.primary(), 5_000);
        pair.primary().execute("CREATE TABLE shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    /** A config backing up the primary with compression; the replica r1 can be restored. */
    private Path config() throws IOException {
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        Path config = TestSetup.config(dir, pair.primary(),
                TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()));
        Files.writeString(config, Files.readString(config).replace("  parallel: 2\n", "  parallel: 2\n  compress: zstd\n"));
        return config;
    }

    private Map<String, Object> backup(Path config) throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        return TestSetup.newest(config);
    }

    @Test
    void aCompressedBackupIsOneStreamWithItsCoordinatesAndIsVerified() throws Exception {
        Path config = config();
        Map<String, Object> b = backup(config);

        assertEquals("VERIFIED", b.get("status"), b.toString());
        Path backupDir = Path.of((String) b.get("path"));
        Path stream = backupDir.resolve("data.mbstream.zst");
        assertTrue(Files.isRegularFile(stream), "the backup is one compressed stream");
        assertFalse(Files.exists(backupDir.resolve("data")), "no uncompressed copy beside it");
        long datadirBytes = sizeOf(pair.primary().datadir());
        assertTrue(Files.size(stream) * 4 < datadirBytes,
                "the stream (" + Files.size(stream) + " bytes) is far smaller than the datadir (" + datadirBytes + ")");
        assertEquals(Files.size(stream) + otherFiles(backupDir, stream), ((Number) b.get("size_bytes")).longValue(),
                "the catalog's size is what is on disk");

        // The catalog row was filled without extracting; the stream's own files (extracted here by
        // the standard tools, as a user would by hand) say the same.
        Path extracted = Files.createDirectory(dir.resolve("by-hand"));
        Process zstd = new ProcessBuilder("zstd", "-d", "-c", "-q", stream.toString()).start();
        Process mbstream = new ProcessBuilder("mbstream", "-x", "-C", extracted.toString()).start();
        zstd.getInputStream().transferTo(mbstream.getOutputStream());
        mbstream.getOutputStream().close();
        assertTrue(mbstream.waitFor(60, TimeUnit.SECONDS) && mbstream.exitValue() == 0, "mbstream -x extracts it");
        String binlogInfo = Files.readString(extracted.resolve("xtrabackup_binlog_info")).strip();
        assertEquals(binlogInfo, b.get("binlog_file") + "\t" + b.get("binlog_position") + "\t" + b.get("gtid"));
        String checkpoints = Files.readString(extracted.resolve("xtrabackup_checkpoints"));
        assertTrue(checkpoints.contains("to_lsn = " + b.get("to_lsn") + "\n"), checkpoints + " vs " + b);
        assertTrue(((Number) b.get("to_lsn")).longValue() > 0, b.toString());
        assertTrue(Files.exists(extracted.resolve("shop/marks.frm")), "the tables are in the stream");
        // What a restore must find room for is the extraction, not the compressed size_bytes.
        long extractedBytes = sizeOf(extracted);
        assertEquals(extractedBytes, WorkingCopy.bytesNeeded(backupDir, ((Number) b.get("size_bytes")).longValue()),
                "working-copy size = the bytes the stream extracts to");

        // The manifest lists the stream and the engine's files beside it, with the schemas inside.
        Manifest manifest = Manifest.read(backupDir);
        List<String> paths = manifest.files().stream().map(Manifest.FileEntry::path).toList();
        assertTrue(paths.containsAll(List.of("data.mbstream.zst", "xtrabackup_checkpoints",
                "xtrabackup_binlog_info", "xtrabackup_info")), paths.toString());
        assertTrue(manifest.inventory().get("shop").contains("marks"), manifest.inventory().toString());

        // An incremental on top of it is a stream too: its base is the full's checkpoints beside the
        // full's stream, and the prepare extracts both.
        mark("before-incremental");
        Result inc = TestSetup.cli("--config", config.toString(), "run", "--type", "incremental");
        assertEquals(0, inc.exitCode(), inc.toString());
        Map<String, Object> i = TestSetup.newest(config);
        assertEquals("incremental", i.get("type"));
        assertEquals(b.get("id"), i.get("parent_id"));
        assertEquals("VERIFIED", i.get("status"), i.toString());
        assertTrue(Files.isRegularFile(Path.of((String) i.get("path")).resolve("data.mbstream.zst")));
    }

    @Test
    void aChangedByteInTheStreamMakesTheBackupInvalidNamingTheFile() throws Exception {
        Path config = config();
        Map<String, Object> b = backup(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
        Path stream = Path.of((String) b.get("path")).resolve("data.mbstream.zst");
        TestSetup.flipMiddleByte(stream);

        Result verify = TestSetup.cli("--config", config.toString(), "verify", "--latest");

        assertEquals(3, verify.exitCode(), verify.toString());
        Map<String, Object> after = TestSetup.newest(config);
        assertEquals("INVALID", after.get("status"));
        String reason = (String) after.get("reason");
        assertTrue(reason.startsWith("was VERIFIED, now structure verification failed: ")
                && reason.contains("data.mbstream.zst"), reason);
    }

    @Test
    void aReplicaIsRebuiltFromACompressedBackupAndReplicates() throws Exception {
        Path config = config();
        Map<String, Object> b = backup(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
        mark("after-backup");
        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.marks VALUES ('replica-only')");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains(" DONE"), restore.out());
        assertEquals(0, marks("replica-only"), "the drifted write is gone");
        assertEquals(1, marks("after-backup"), "rolled forward past the backup from the primary's binlog");
        assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
        mark("after-restore");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(1, marks("after-restore"), "a row written on the primary after the restore arrives");
        assertEquals(SqlValues.count(pair.primary(), "SELECT COUNT(*) FROM shop.orders"),
                SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.orders"));
    }

    private static void mark(String name) throws Exception {
        pair.primary().execute("INSERT INTO shop.marks VALUES ('" + name + "')");
    }

    private static long marks(String name) throws Exception {
        return SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.marks WHERE name = '" + name + "'");
    }

    private static long sizeOf(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static long otherFiles(Path backupDir, Path stream) throws IOException {
        try (var files = Files.list(backupDir)) {
            return files.filter(p -> !p.equals(stream) && !p.getFileName().toString().equals("manifest.json"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
