package org.backupscheduler.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.backup.FileChecksums;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every backup proven restorable, and every kind of damage caught and named. Each test has its
 * own repository and catalog on one shared primary; every {@code verify} goes through
 * {@link #verify}, which also proves the stored backups byte-identical before and after.
 */
class VerifyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A byte inside page 4 of shop.orders' tablespace (16 KiB pages; 0-3 are its header, bitmap,
     * inodes and root), one of the leaf pages holding the workload's rows. Most of the 9 MiB file
     * is free extents that no one reads.
     */
    private static final long ORDERS_INDEX_PAGE_BYTE = 4 * 16384 + 1000;
    private static SandboxServer primary;

    @TempDir
    Path dir;
    private Path config;

    @BeforeAll
    static void startPrimary() throws Exception {
        primary = SandboxServer.start(SandboxOptions.primary("ver"));
        TestSetup.createBackupUser(primary);
        Workload.load(primary, 5_000);
        // mariabackup copies a tablespace whose CREATE is still in the redo log after the last
        // checkpoint as <table>.new (renamed at prepare). A clean restart checkpoints, so the
        // backups hold a real data/shop/orders.ibd to damage.
        primary.restart();
    }

    @AfterAll
    static void stopPrimary() {
        if (primary != null) {
            primary.close();
        }
    }

    @BeforeEach
    void configure() throws IOException {
        config = TestSetup.config(dir, primary, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD), null);
    }

    @Test
    void everyRunIsVerifiedByTheEngineAndTheHistoryKept() throws Exception {
        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = newest();
        assertEquals("VERIFIED", b.get("status"), b.toString());
        assertTrue(run.out().contains(" VERIFIED"), run.out());
        List<String> scratch;
        try (var files = Files.list(instanceDir())) {
            scratch = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".verify-")).toList();
        }
        assertEquals(List.of(), scratch, "the scratch copy is removed");
        assertEquals("full-backuped", checkpointsType(b), "the stored backup itself was never prepared");

        Result again = verify("--latest", "--json");
        assertEquals(0, again.exitCode(), again.toString());
        Map<String, Object> out = only(again);
        assertEquals("VERIFIED", out.get("status"));
        assertEquals(List.of("structure ok", "checksum ok", "prepare ok"), outcomes(out));
    }

    @Test
    void flippedByteInAnIbdIsCaughtNamingTheFileAndVerifiedBecomesInvalidWithItsHistoryKept() throws Exception {
        Map<String, Object> b = verifiedBackup();
        String id = (String) b.get("id");
        Path ibd = backupDir(b).resolve("data/shop/orders.ibd");
        assertTrue(Files.isRegularFile(ibd), "the backup holds the InnoDB tablespace " + ibd);
        flipByte(ibd, ORDERS_INDEX_PAGE_BYTE);

        Result verify = verify(id);

        assertEquals(3, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains("backup " + id + ": VERIFIED -> INVALID"), verify.out());
        Map<String, Object> after = newest();
        assertEquals("INVALID", after.get("status"));
        String reason = (String) after.get("reason");
        assertTrue(reason.startsWith("was VERIFIED, now checksum verification failed: changed file "
                + "data/shop/orders.ibd: expected CRC32C "), reason);

        // The history, newest first: this verify (structure passed, checksum failed), then the run's.
        Result show = TestSetup.cli("--config", config.toString(), "show", id, "--json");
        assertEquals(0, show.exitCode(), show.toString());
        JsonNode shown = JSON.readTree(show.out());
        assertEquals("INVALID", shown.get("status").asText());
        List<Map<String, Object>> history = JSON.convertValue(shown.get("verifications"), new TypeReference<>() { });
        assertEquals(List.of("checksum FAIL", "structure ok", "prepare ok", "checksum ok", "structure ok"),
                outcomes(history));
        assertTrue(shown.get("verifications").get(0).get("finding").asText()
                .startsWith("changed file data/shop/orders.ibd: expected CRC32C "), shown.toString());
    }

    @Test
    void deletedFileIsInvalidNamingItAndTheChecksumCheck() throws Exception {
        Map<String, Object> b = verifiedBackup();
        Path file = backupDir(b).resolve("data/shop/audit.MYI");
        long size = Files.size(file);
        Files.delete(file);

        assertInvalid(b, "checksum", "missing file data/shop/audit.MYI (expected " + size + " bytes)");
    }

    @Test
    void truncatedFileIsInvalidNamingItAndTheChecksumCheck() throws Exception {
        Map<String, Object> b = verifiedBackup();
        Path file = backupDir(b).resolve("data/shop/audit.MYD");
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size / 2);
        }

        assertInvalid(b, "checksum",
                "resized file data/shop/audit.MYD: expected " + size + " bytes, found " + size / 2);
    }

    @Test
    void extraFileIsInvalidNamingItAndTheChecksumCheck() throws Exception {
        Map<String, Object> b = verifiedBackup();
        Files.writeString(backupDir(b).resolve("data/shop/stray.txt"), "left by someone");

        assertInvalid(b, "checksum", "extra file data/shop/stray.txt (not in the manifest)");
    }

    @Test
    void emptiedFolderIsInvalidSayingSoInTheStructureCheck() throws Exception {
        Map<String, Object> b = verifiedBackup();
        Path data = backupDir(b).resolve("data");
        PathUtils.cleanDirectory(data);

        assertInvalid(b, "structure", "the backup folder is empty: " + data + " holds no files");
    }

    @Test
    void missingCheckpointsFileIsInvalidNamingItInTheStructureCheck() throws Exception {
        Map<String, Object> b = verifiedBackup();
        Path data = backupDir(b).resolve("data");
        Files.delete(data.resolve("xtrabackup_checkpoints"));

        assertInvalid(b, "structure", "no xtrabackup_checkpoints in " + data);
    }

    @Test
    void deepVerifyRestoresIntoAThrowAwayServerAndChecksEveryTable() throws Exception {
        Map<String, Object> b = verifiedBackup();

        Result deep = verify((String) b.get("id"), "--deep", "--json");

        assertEquals(0, deep.exitCode(), deep.toString());
        Map<String, Object> out = only(deep);
        assertEquals(List.of("structure ok", "checksum ok", "prepare ok", "deep ok"), outcomes(out));
        assertTrue(((Number) levels(out).get(3).get("duration_ms")).longValue() > 0, out.toString());
        assertEquals("VERIFIED", newest().get("status"));
    }

    @Test
    void deepVerifyReportsABackupWhosePrepareFails() throws Exception {
        Map<String, Object> b = verifiedBackup();
        String id = (String) b.get("id");
        // How prepare is made to fail for real: the redo log's header and checkpoint blocks (its
        // first 12 KiB) are zeroed, so the engine finds no checkpoint to recover from. The manifest
        // is rewritten to the damaged bytes, as if the engine had written them so: structure and
        // checksums pass, and only the engine can tell that this backup does not restore.
        Path redo = backupDir(b).resolve("data/ib_logfile0");
        try (RandomAccessFile raf = new RandomAccessFile(redo.toFile(), "rw")) {
            raf.write(new byte[12 * 1024]);
        }
        recordInManifest(backupDir(b), "data/ib_logfile0");

        Result deep = verify(id, "--deep", "--json");

        assertEquals(3, deep.exitCode(), deep.toString());
        Map<String, Object> out = only(deep);
        assertEquals("INVALID", out.get("status"));
        assertEquals(List.of("structure ok", "checksum ok", "prepare FAIL", "deep FAIL"), outcomes(out));
        String prepare = (String) levels(out).get(2).get("finding");
        assertTrue(prepare.startsWith("prepare of " + id + " failed: ") && prepare.contains(" exited with status 1"),
                prepare);
        // The engine's own [ERROR] line says why (from the log tail, or added when it came earlier).
        assertTrue(prepare.contains("[ERROR] mariadb-backup --prepare is not possible"), prepare);
        assertEquals("the restore drill did not run: prepare verification failed", levels(out).get(3).get("finding"));
        String reason = (String) newest().get("reason");
        assertEquals("was VERIFIED, now prepare verification failed: " + prepare, reason);
        // The failed drill is in the history under its own level, where the report's restore
        // drills are read from.
        Result show = TestSetup.cli("--config", config.toString(), "show", id, "--json");
        List<Map<String, Object>> history = JSON.convertValue(JSON.readTree(show.out()).get("verifications"),
                new TypeReference<>() { });
        assertEquals(List.of("deep FAIL", "prepare FAIL"), outcomes(history).subList(0, 2), show.out());
    }

    @Test
    void deepVerifyFindsACorruptPageThatPrepareCannotSee() throws Exception {
        Map<String, Object> b = verifiedBackup();
        // A flipped byte in an index page breaks its page checksum. The manifest is rewritten to
        // the damaged bytes, as if the engine had copied a torn page: the prepare has no redo to
        // apply to that page and passes; only a server reading the table finds it.
        Path ibd = backupDir(b).resolve("data/shop/orders.ibd");
        flipByte(ibd, ORDERS_INDEX_PAGE_BYTE);
        recordInManifest(backupDir(b), "data/shop/orders.ibd");

        Result deep = verify((String) b.get("id"), "--deep", "--json");

        assertEquals(3, deep.exitCode(), deep.toString());
        Map<String, Object> out = only(deep);
        assertEquals(List.of("structure ok", "checksum ok", "prepare ok", "deep FAIL"), outcomes(out));
        assertEquals("CHECK TABLE shop.orders: error: Corrupt", levels(out).get(3).get("finding"));
        assertEquals("INVALID", newest().get("status"));
        assertEquals("was VERIFIED, now deep verification failed: CHECK TABLE shop.orders: error: Corrupt",
                newest().get("reason"));
    }

    @Test
    void verifyAllExitsZeroWhenAllAreValidAndThreeWhenAnyIsNot() throws Exception {
        // Runs that only checksum leave their backups COMPLETED, which retention keeps (not yet
        // judged): two backups in one hour, both for verify --all to prove.
        config = TestSetup.config(dir, primary, dir.resolve("pw"), "verify: {after-backup: [structure, checksum]}");
        Map<String, Object> older = completedBackup();
        Map<String, Object> newer = completedBackup();

        Result clean = verify("--all", "--json");
        assertEquals(0, clean.exitCode(), clean.toString());
        List<Map<String, Object>> both = JSON.readValue(clean.out(), new TypeReference<>() { });
        assertEquals(List.of(newer.get("id"), older.get("id")), both.stream().map(o -> o.get("id")).toList());
        assertTrue(both.stream().allMatch(o -> Boolean.TRUE.equals(o.get("valid"))
                && "VERIFIED".equals(o.get("status"))), both.toString());

        Files.delete(backupDir(older).resolve("data/shop/audit.MYI"));
        Result damaged = verify("--all", "--json");

        assertEquals(3, damaged.exitCode(), damaged.toString());
        assertTrue(damaged.err().contains("not all are valid"), damaged.err());
        Map<String, String> status = new TreeMap<>();
        TestSetup.backups(config).forEach(row -> status.put((String) row.get("id"), (String) row.get("status")));
        assertEquals(Map.of(older.get("id"), "INVALID", newer.get("id"), "VERIFIED"), status);
    }

    @Test
    void aFailedRunIsNotVerifiable() throws Exception {
        Path wrong = TestSetup.config(dir.resolve("w"), primary,
                TestSetup.passwordFile(Files.createDirectories(dir.resolve("w")), "pw", "wrong"), null);
        TestSetup.cli("--config", wrong.toString(), "run");
        String id = (String) JSON.<List<Map<String, Object>>>readValue(
                TestSetup.cli("--config", wrong.toString(), "list", "--json").out(),
                new TypeReference<>() { }).get(0).get("id");

        Result verify = TestSetup.cli("--config", wrong.toString(), "verify", id);

        assertEquals(2, verify.exitCode(), verify.toString());
        assertTrue(verify.err().contains("is FAILED: there is no backup to verify"), verify.err());
    }

    /** Verifies {@code b} again: exit 3, INVALID, and the one finding of {@code check} is {@code finding}. */
    private void assertInvalid(Map<String, Object> b, String check, String finding) throws IOException {
        Result verify = verify((String) b.get("id"), "--json");

        assertEquals(3, verify.exitCode(), verify.toString());
        Map<String, Object> out = only(verify);
        assertEquals("INVALID", out.get("status"), out.toString());
        Map<String, Object> last = levels(out).get(levels(out).size() - 1);
        assertEquals(check, last.get("level"), out.toString());
        assertEquals(false, last.get("ok"));
        assertEquals(finding, last.get("finding"));
        Map<String, Object> listed = newest();
        assertEquals("INVALID", listed.get("status"));
        assertEquals("was VERIFIED, now " + check + " verification failed: " + finding, listed.get("reason"));
    }

    /** {@code backup verify ARGS}, asserting that no stored backup changed by a single byte. */
    private Result verify(String... args) throws IOException {
        Map<String, String> before = digests(instanceDir());
        String[] argv = new String[args.length + 3];
        argv[0] = "--config";
        argv[1] = config.toString();
        argv[2] = "verify";
        System.arraycopy(args, 0, argv, 3, args.length);

        Result result = TestSetup.cli(argv);

        Map<String, String> after = digests(instanceDir());
        List<String> changed = Stream.concat(before.keySet().stream(), after.keySet().stream()).distinct()
                .filter(path -> !Objects.equals(before.get(path), after.get(path))).sorted().toList();
        assertEquals(List.of(), changed, "verify " + String.join(" ", args) + " changed, added or removed files");
        return result;
    }

    /** SHA-256 of every file under {@code root}, by relative path. */
    private static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                digests.put(root.relativize(file).toString(), sha256(file));
            }
        }
        return digests;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int v = raf.read();
            raf.seek(offset);
            raf.write(v ^ 0x01);
        }
    }

    /** Rewrites the manifest's size and checksum of {@code path} to what the file now holds. */
    private static void recordInManifest(Path backupDir, String path) throws IOException {
        Path manifest = backupDir.resolve("manifest.json");
        JsonNode root = JSON.readTree(manifest.toFile());
        boolean found = false;
        for (JsonNode entry : root.get("files")) {
            if (entry.get("path").asText().equals(path)) {
                ((ObjectNode) entry).put("size", Files.size(backupDir.resolve(path)));
                ((ObjectNode) entry).put("checksum", FileChecksums.crc32c(backupDir.resolve(path)));
                found = true;
            }
        }
        assertTrue(found, path + " is in the manifest");
        Files.writeString(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                StandardCharsets.UTF_8);
    }

    private Map<String, Object> verifiedBackup() throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = newest();
        assertEquals("VERIFIED", b.get("status"));
        return b;
    }

    private Map<String, Object> completedBackup() throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = newest();
        assertEquals("COMPLETED", b.get("status"));
        return b;
    }

    private Map<String, Object> newest() throws IOException {
        return TestSetup.newest(config);
    }

    private Path instanceDir() {
        return dir.resolve("repo").resolve(primary.name());
    }

    private static Path backupDir(Map<String, Object> b) {
        return Path.of((String) b.get("path"));
    }

    private static Map<String, Object> only(Result verifyJson) throws IOException {
        List<Map<String, Object>> out = JSON.readValue(verifyJson.out(), new TypeReference<>() { });
        assertEquals(1, out.size(), verifyJson.out());
        return out.get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> levels(Map<String, Object> outcome) {
        return (List<Map<String, Object>>) outcome.get("levels");
    }

    /** "level ok" or "level FAIL" for each level of a verify outcome, in order. */
    private static List<String> outcomes(Map<String, Object> outcome) {
        return outcomes(levels(outcome));
    }

    private static List<String> outcomes(List<Map<String, Object>> levels) {
        return levels.stream().map(l -> l.get("level") + " " + (Boolean.TRUE.equals(l.get("ok")) ? "ok" : "FAIL"))
                .toList();
    }

    private static String checkpointsType(Map<String, Object> b) throws IOException {
        return Files.readAllLines(backupDir(b).resolve("data/xtrabackup_checkpoints")).get(0)
                .replace("backup_type = ", "");
    }
}
