package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.demo.Damage;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository is the truth, the catalog an index: a repository holding every kind of backup
 * folder, the catalog file deleted, {@code catalog rebuild}, and the same backups come back with
 * the same statuses — above all a replica's STALE backup stays STALE (never VERIFIED, never chosen
 * by {@code restore --latest}) and keeps its primary's coordinates.
 */
class CatalogRebuildIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSTANCE = "rb";
    /** What list --json shows of a backup's source (backup_sources). */
    private static final List<String> SOURCE_KEYS = List.of("source_role", "replica_lag_seconds", "replication",
            "primary_address", "primary_binlog_file", "primary_binlog_position", "primary_gtid");

    @TempDir
    Path dir;

    @Test
    void deletedCatalogComesBackWithTheSameStatusesAndSources() throws Exception {
        try (ReplicationPair pair = ReplicationPair.start("rbld")) {
            TestSetup.createBackupUser(pair.primary());
            Workload.load(pair.primary(), 2_000);
            pair.primary().execute("CREATE DATABASE old_shop",
                    "CREATE TABLE old_shop.orders (id INT PRIMARY KEY, note VARCHAR(50)) ENGINE=MyISAM",
                    "INSERT INTO old_shop.orders VALUES (1,'a'),(2,'b')");
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            Path pw = TestSetup.passwordFile(dir, "source.password", TestSetup.BACKUP_PASSWORD);
            // One instance, one repository: the primary's backups and, later, the replica's.
            Path onPrimary = config("primary.yml", pair.primary().sourceConfigYaml(INSTANCE, repo(),
                    TestSetup.BACKUP_USER, pw), null);
            Path onReplicaFail = config("replica-fail.yml", pair.replica().sourceConfigYaml(INSTANCE, repo(),
                    TestSetup.BACKUP_USER, pw), null);
            Path onReplicaFlag = config("replica-flag.yml", pair.replica().sourceConfigYaml(INSTANCE, repo(),
                    TestSetup.BACKUP_USER, pw), "on-stale: backup-and-flag");

            // Checked but not prepared: COMPLETED, so retention keeps the VERIFIED one before it.
            Path unprepared = Files.writeString(dir.resolve("unprepared.yml"), Files.readString(onPrimary)
                    + "verify:\n  after-backup: [structure, checksum]\n");

            // EXPIRED: a VERIFIED backup, then a newer one in the same hour; retention removes the first
            assertEquals(0, cli(onPrimary, "run").exitCode());
            String expired = (String) TestSetup.newest(onPrimary).get("id");
            // VERIFIED
            assertEquals(0, cli(onPrimary, "run").exitCode());
            String verified = (String) TestSetup.newest(onPrimary).get("id");
            assertEquals("EXPIRED", byId(list(onPrimary)).get(expired).get("status"));
            // INVALID: one bit flipped after the backup, found by verification
            assertEquals(0, cli(unprepared, "run").exitCode());
            String invalid = (String) TestSetup.newest(onPrimary).get("id");
            Damage.flipOneBit(repo().resolve(INSTANCE).resolve(invalid));
            assertEquals(3, cli(onPrimary, "verify", invalid).exitCode());
            // LEGACY: a real mysqlhotcopy folder imported
            Path hotcopy = Files.createDirectories(dir.resolve("hotcopy"));
            ProcessResult copied = new ProcessRunner(List.of("mariadb-hotcopy", "--user=root",
                    "--socket=" + pair.primary().socket(), "old_shop", hotcopy.toString()), dir.resolve("hotcopy.log"),
                    Duration.ofMinutes(2)).run();
            assertEquals(0, copied.exitCode(), Files.readString(dir.resolve("hotcopy.log")));
            Result imported = cli(onPrimary, "migrate", "hotcopy", "--import-dir", hotcopy.toString());
            assertEquals(0, imported.exitCode(), imported.toString());
            // The replica breaks: a run refused (FAILED), then one kept on request (STALE)
            pair.replica().execute("STOP SLAVE SQL_THREAD");
            Workload.load(pair.primary(), 100);
            assertEquals(1, cli(onReplicaFail, "run").exitCode());
            Result flagged = cli(onReplicaFlag, "run");
            assertEquals(3, flagged.exitCode(), flagged.toString());
            String stale = (String) TestSetup.newest(onPrimary).get("id");
            // FAILED (partial): a folder the engine never finished, no manifest
            Path partial = repo().resolve(INSTANCE).resolve("20000101-000000F");
            Files.createDirectories(partial.resolve("data"));
            Files.writeString(partial.resolve("data/ibdata1"), "half a file");

            Map<String, Map<String, Object>> before = byId(list(onPrimary));
            before.put("20000101-000000F", Map.of("id", "20000101-000000F", "status", "FAILED"));
            assertEquals(List.of("EXPIRED", "FAILED", "INVALID", "LEGACY", "STALE", "VERIFIED"), before.values().stream()
                    .map(b -> (String) b.get("status")).distinct().sorted().toList(), before.toString());
            Map<String, Object> staleBefore = before.get(stale);
            assertEquals("STALE", staleBefore.get("status"));
            assertEquals("replica", staleBefore.get("source_role"));
            assertNotNull(staleBefore.get("primary_gtid"), "mariabackup recorded the primary's GTID: " + staleBefore);
            assertEquals("127.0.0.1:" + pair.primary().port(), staleBefore.get("primary_address"));

            deleteCatalog();
            assertEquals(List.of(), list(onPrimary), "the catalog is gone");

            Result rebuild = cli(onPrimary, "catalog", "rebuild");
            // the damaged backup is found INVALID again: a problem, exit 3
            assertEquals(3, rebuild.exitCode(), rebuild.toString());
            assertTrue(rebuild.out().contains(before.size() - 1 + " backup(s) added"), rebuild.out());
            assertTrue(rebuild.out().contains("EXPIRED backups and SKIPPED runs have no folder: their history is not "
                    + "recoverable"), rebuild.out());

            Map<String, Map<String, Object>> after = byId(list(onPrimary));
            // Retention removed the EXPIRED backup's folder: it is the one backup not coming back.
            before.remove(expired);
            assertEquals(statuses(before), statuses(after), "the same ids with the same statuses");
            // The engine backups: their record, source included, as it was.
            for (String id : List.of(verified, invalid, stale)) {
                for (String key : Stream.concat(Stream.of("type", "started_at", "finished_at", "size_bytes",
                        "file_count", "binlog_file", "binlog_position", "gtid", "from_lsn", "to_lsn", "path"),
                        SOURCE_KEYS.stream()).toList()) {
                    assertEquals(before.get(id).get(key), after.get(id).get(key), id + " " + key);
                }
            }
            assertEquals(staleBefore.get("reason"), after.get(stale).get("reason"), "why it is STALE");
            // found again by the rebuild's own verification
            String invalidReason = (String) after.get(invalid).get("reason");
            assertTrue(invalidReason.startsWith("checksum verification failed: changed file data/shop/"), invalidReason);
            assertTrue(((String) before.get(invalid).get("reason")).endsWith(invalidReason), invalidReason);
            // The replica's backup restores from the primary's position, not the replica's own.
            assertEquals("replica", after.get(stale).get("source_role"));
            assertEquals(staleBefore.get("primary_gtid"), after.get(stale).get("primary_gtid"));
            // restore --latest takes only VERIFIED backups: the newest one is still the primary's.
            List<Map<String, Object>> newestFirst = list(onPrimary);
            assertEquals(stale, newestFirst.get(0).get("id"), "the STALE backup is the newest of all");
            assertEquals(verified, newestFirst.stream().filter(b -> "VERIFIED".equals(b.get("status")))
                    .findFirst().orElseThrow().get("id"));
            Map<String, Object> legacy = after.values().stream().filter(b -> "legacy".equals(b.get("type")))
                    .findFirst().orElseThrow();
            assertEquals(before.get(legacy.get("id")).get("reason"), legacy.get("reason"), "its own check again");
            // The refused run's reason came back from its folder's FAILED marker.
            Map<String, Object> refused = before.values().stream().filter(b -> "FAILED".equals(b.get("status"))
                    && !b.get("id").equals("20000101-000000F")).findFirst().orElseThrow();
            assertTrue(((String) after.get(refused.get("id")).get("reason")).startsWith((String) refused.get("reason")),
                    after.get(refused.get("id")).toString());
            // ... and its source from source.json: the report's replica health still counts the refusal
            for (String key : SOURCE_KEYS) {
                assertEquals(refused.get(key), after.get(refused.get("id")).get(key), "refused run " + key);
            }
            assertEquals("replica", after.get(refused.get("id")).get("source_role"));
            assertTrue(((String) after.get("20000101-000000F").get("reason")).contains("no complete manifest.json"),
                    after.get("20000101-000000F").toString());

            // The report after the rebuild: the replica's refused and STALE runs counted again, and
            // the configured replica as it is now (its SQL thread still stopped).
            Path withReplica = Files.writeString(dir.resolve("report.yml"), Files.readString(onPrimary)
                    + pair.replicaConfigYaml("replica1", TestSetup.passwordFile(dir, "repl.password",
                    ReplicationPair.REPL_PASSWORD), null));
            Result report = cli(withReplica, "report", "--format", "json");
            assertEquals(3, report.exitCode(), report.toString()); // the INVALID backup of the last 24 hours
            var health = JSON.readTree(report.out()).get("replica_health");
            assertEquals("1 configured replica(s) checked now, 0 healthy; 2 backup(s) of a replica in the window, "
                    + "2 refused or stale because replication was broken or behind", health.get("summary").asText());
            String now = health.get("lines").get(0).asText();
            assertTrue(now.startsWith("now  replica1 (127.0.0.1:" + pair.replica().port() + "): BROKEN, "
                    + "Slave_IO_Running: Yes, Slave_SQL_Running: No"), now);

            // run again: nothing added, nothing changed
            Result again = cli(onPrimary, "catalog", "rebuild");
            assertTrue(again.out().contains("0 backup(s) added"), again.out());
            assertEquals(after, byId(list(onPrimary)));
        }
    }

    private Path repo() {
        return dir.resolve("repo");
    }

    private Path config(String name, String yaml, String sourceKey) throws Exception {
        String text = sourceKey == null ? yaml : yaml.replace("  password-file:", "  " + sourceKey + "\n  password-file:");
        // The buckets alone (no minimum of VERIFIED backups): a second backup in the hour expires the first.
        return Files.writeString(dir.resolve(name), text + "\nretention: {min-verified: 1}\n");
    }

    private void deleteCatalog() throws Exception {
        try (Stream<Path> s = Files.list(repo())) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("catalog")).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Map<String, String> statuses(Map<String, Map<String, Object>> byId) {
        return byId.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> (String) e.getValue().get("status")));
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        rows.forEach(r -> m.put((String) r.get("id"), r));
        return m;
    }

    private static Result cli(Path config, String... args) {
        String[] argv = Stream.concat(Stream.of("--config", config.toString()), Stream.of(args)).toArray(String[]::new);
        return TestSetup.cli(argv);
    }

    private static List<Map<String, Object>> list(Path config) throws Exception {
        Result list = cli(config, "list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        return JSON.readValue(list.out(), new TypeReference<>() {
        });
    }
}
