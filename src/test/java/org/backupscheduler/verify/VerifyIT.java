package org.backupscheduler.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.io.file.PathUtils;
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

/** Every backup proven restorable, and every kind of damage caught and named. */
class VerifyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SandboxServer primary;

    @TempDir
    Path dir;
    private Path config;

    @BeforeAll
    static void startPrimary() throws Exception {
        primary = SandboxServer.start(SandboxOptions.primary("ver"));
        TestSetup.createBackupUser(primary);
        Workload.load(primary, 5_000);
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
        try (var files = Files.list(dir.resolve("repo").resolve(primary.name()))) {
            scratch = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".verify-")).toList();
        }
        assertEquals(List.of(), scratch, "the scratch copy is removed");
        assertEquals("full-backuped", checkpointsType(b), "the stored backup itself was never prepared");

        Result again = TestSetup.cli("--config", config.toString(), "verify", "--latest", "--json");
        assertEquals(0, again.exitCode(), again.toString());
        List<Map<String, Object>> out = JSON.readValue(again.out(), new TypeReference<>() { });
        assertEquals(List.of("structure", "checksum", "prepare"),
                ((List<Map<String, Object>>) out.get(0).get("levels")).stream().map(l -> l.get("level")).toList());
    }

    @Test
    void flippedByteIsCaughtNamingTheFileAndVerifiedBecomesInvalid() throws Exception {
        Map<String, Object> b = verifiedBackup();
        // mariabackup may keep a recently created table's tablespace as orders.new until prepare.
        Path shop = Path.of((String) b.get("path")).resolve("data/shop");
        Path file = Files.exists(shop.resolve("orders.ibd")) ? shop.resolve("orders.ibd") : shop.resolve("orders.new");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(20_000);
            int v = raf.read();
            raf.seek(20_000);
            raf.write(v ^ 0x01);
        }

        Result verify = TestSetup.cli("--config", config.toString(), "verify", (String) b.get("id"));

        assertEquals(3, verify.exitCode(), verify.toString());
        Map<String, Object> after = newest();
        assertEquals("INVALID", after.get("status"));
        String reason = (String) after.get("reason");
        assertTrue(reason.startsWith("was VERIFIED, now checksum verification failed: changed file "
                + "data/shop/" + file.getFileName() + ": expected CRC32C "), reason);
        assertTrue(verify.out().contains("VERIFIED -> INVALID"), verify.out());
    }

    @Test
    void deletedTruncatedAndExtraFilesAreEachNamed() throws Exception {
        Map<String, Object> b = verifiedBackup();
        Path data = Path.of((String) b.get("path")).resolve("data");
        long auditSize = Files.size(data.resolve("shop/audit.MYD"));
        Files.delete(data.resolve("shop/audit.MYI"));
        try (RandomAccessFile raf = new RandomAccessFile(data.resolve("shop/audit.MYD").toFile(), "rw")) {
            raf.setLength(auditSize / 2);
        }
        Files.writeString(data.resolve("shop/stray.txt"), "left by someone");

        Result verify = TestSetup.cli("--config", config.toString(), "verify", "--latest");

        assertEquals(3, verify.exitCode(), verify.toString());
        String reason = (String) newest().get("reason");
        assertTrue(reason.contains("missing file data/shop/audit.MYI"), reason);
        assertTrue(reason.contains("resized file data/shop/audit.MYD: expected " + auditSize + " bytes, found "
                + auditSize / 2), reason);
        assertTrue(reason.contains("extra file data/shop/stray.txt"), reason);
    }

    @Test
    void emptiedFolderIsInvalidSayingSo() throws Exception {
        Map<String, Object> b = verifiedBackup();
        Path data = Path.of((String) b.get("path")).resolve("data");
        PathUtils.cleanDirectory(data);

        Result verify = TestSetup.cli("--config", config.toString(), "verify", (String) b.get("id"));

        assertEquals(3, verify.exitCode(), verify.toString());
        String reason = (String) newest().get("reason");
        assertTrue(reason.contains("structure verification failed: the backup folder is empty"), reason);
    }

    @Test
    void deepVerifyRestoresIntoAThrowAwayServerAndChecksEveryTable() throws Exception {
        Map<String, Object> b = verifiedBackup();

        Result deep = TestSetup.cli("--config", config.toString(), "verify", (String) b.get("id"), "--deep", "--json");

        assertEquals(0, deep.exitCode(), deep.toString());
        List<Map<String, Object>> out = JSON.readValue(deep.out(), new TypeReference<>() { });
        Map<String, Object> drill = ((List<Map<String, Object>>) out.get(0).get("levels")).get(3);
        assertEquals("deep", drill.get("level"));
        assertEquals(true, drill.get("ok"), drill.toString());
        assertTrue(((Number) drill.get("duration_ms")).longValue() > 0);
        assertEquals("VERIFIED", newest().get("status"));
        assertFalse(primary.datadir().toString().isEmpty());
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

    private Map<String, Object> verifiedBackup() throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = newest();
        assertEquals("VERIFIED", b.get("status"));
        return b;
    }

    private Map<String, Object> newest() throws IOException {
        Result list = TestSetup.cli("--config", config.toString(), "list", "--json");
        List<Map<String, Object>> rows = JSON.readValue(list.out(), new TypeReference<>() { });
        return rows.get(0);
    }

    private static String checkpointsType(Map<String, Object> b) throws IOException {
        return Files.readAllLines(Path.of((String) b.get("path")).resolve("data/xtrabackup_checkpoints")).get(0)
                .replace("backup_type = ", "");
    }
}
