package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.sandbox.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real backups, the catalog file deleted, `catalog rebuild`: the same backups come back. */
class CatalogRebuildIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void deletedCatalogIsRebuiltWithSameIdsAndCoordinates() throws Exception {
        try (SandboxServer primary = SandboxServer.start(SandboxOptions.primary("rebuild"))) {
            TestSetup.createBackupUser(primary);
            Workload.load(primary, 2_000);
            Path config = TestSetup.config(dir, primary,
                    TestSetup.passwordFile(dir, "source.password", TestSetup.BACKUP_PASSWORD), null);
            Result run = TestSetup.cli("--config", config.toString(), "run");
            assertEquals(0, run.exitCode(), run.toString());
            List<Map<String, Object>> before = list(config);
            assertEquals(1, before.size());
            Map<String, Object> b = before.get(0);
            // a folder the engine never finished: no manifest
            Path broken = dir.resolve("repo").resolve(primary.name()).resolve("20000101T000000Z");
            Files.createDirectories(broken.resolve("data"));

            try (Stream<Path> s = Files.list(dir.resolve("repo"))) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("catalog")).toList()) {
                    Files.delete(p);
                }
            }
            assertEquals(List.of(), list(config), "the catalog is gone");

            Result rebuild = TestSetup.cli("--config", config.toString(), "catalog", "rebuild");
            assertEquals(0, rebuild.exitCode(), rebuild.toString());
            assertTrue(rebuild.out().contains("2 backup(s) added"), rebuild.out());
            assertTrue(rebuild.out().contains("each added backup was verified again"), rebuild.out());

            List<Map<String, Object>> after = list(config);
            assertEquals(2, after.size(), after.toString());
            Map<String, Object> r = after.stream().filter(x -> x.get("id").equals(b.get("id"))).findFirst()
                    .orElseThrow();
            // The same status, re-derived by verifying the backup again, not copied from anywhere.
            for (String key : List.of("id", "type", "status", "started_at", "finished_at", "size_bytes", "file_count",
                    "binlog_file", "binlog_position", "gtid", "from_lsn", "to_lsn", "path")) {
                assertEquals(b.get(key), r.get(key), key);
            }
            Map<String, Object> f = after.stream().filter(x -> x.get("id").equals("20000101T000000Z")).findFirst()
                    .orElseThrow();
            assertEquals("FAILED", f.get("status"));
            assertTrue(((String) f.get("reason")).contains("no manifest.json"), f.toString());

            // run again: nothing added, nothing changed
            Result again = TestSetup.cli("--config", config.toString(), "catalog", "rebuild");
            assertTrue(again.out().contains("0 backup(s) added"), again.out());
            assertEquals(after, list(config));
        }
    }

    private static List<Map<String, Object>> list(Path config) throws Exception {
        Result list = TestSetup.cli("--config", config.toString(), "list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        return JSON.readValue(list.out(), new TypeReference<>() {
        });
    }
}
