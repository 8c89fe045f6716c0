package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An incremental chain backed up, verified as a chain, kept whole by retention, restored, then expired whole. */
class IncrementalIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aRowWrittenBetweenFullAndIncrementalIsThereAfterRestore() throws Exception {
        try (ReplicationPair pair = ReplicationPair.start("inc")) {
            TestSetup.createBackupUser(pair.primary());
            Workload.load(pair.primary(), 2_000);
            pair.primary().execute("CREATE TABLE shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB");
            Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
            Path config = TestSetup.config(dir, pair.primary(), TestSetup.passwordFile(dir, "pw",
                    TestSetup.BACKUP_PASSWORD), "retention: {hourly: 1, daily: 0, weekly: 0, min-verified: 1}\n"
                    + pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()));

            assertEquals(0, TestSetup.cli("--config", config.toString(), "run").exitCode());
            pair.primary().execute("INSERT INTO shop.marks VALUES ('between')",
                    "UPDATE shop.orders SET note = 'changed' WHERE id <= 100");
            Result inc = TestSetup.cli("--config", config.toString(), "run", "--type", "incremental");
            assertEquals(0, inc.exitCode(), inc.toString());

            List<Map<String, Object>> rows = JSON.readValue(TestSetup.cli("--config", config.toString(), "list",
                    "--json").out(), new TypeReference<>() { });
            Map<String, Object> incremental = rows.get(0);
            Map<String, Object> full = rows.get(1);
            assertEquals("incremental", incremental.get("type"));
            assertEquals(full.get("id"), incremental.get("parent_id"));
            assertEquals(full.get("to_lsn"), incremental.get("from_lsn"), "the chain is continuous");
            assertEquals("VERIFIED", incremental.get("status"), "verified by preparing full + incremental");
            // retention (hourly: 1) keeps the newest backup, and with it the full it needs
            assertEquals("VERIFIED", full.get("status"));

            pair.replica().execute("STOP SLAVE", "DELETE FROM shop.marks");
            Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

            assertEquals(0, restore.exitCode(), restore.toString());
            assertTrue(restore.out().contains("chain of 2"), restore.out());
            assertEquals(1, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.marks WHERE name='between'"));
            pair.primary().execute("INSERT INTO shop.marks VALUES ('after')");
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            assertEquals(1, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.marks WHERE name='after'"));
            String sum = "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, customer, amount, IFNULL(note, '')))) "
                    + "FROM shop.orders";
            assertEquals(SqlValues.single(pair.primary(), sum.replace("COUNT(*), ", "")),
                    SqlValues.single(pair.replica(), sum.replace("COUNT(*), ", "")), "the replica's data equals the primary's");
            // Verifying and restoring applied the incremental to copies: the stored chain is intact.
            Result again = TestSetup.cli("--config", config.toString(), "verify", "--all");
            assertEquals(0, again.exitCode(), again.toString());

            // A new full replaces the chain: retention (hourly: 1) now expires the incremental
            // and its full together, never the full alone while the incremental is kept.
            assertEquals(0, TestSetup.cli("--config", config.toString(), "run").exitCode());
            List<Map<String, Object>> after = JSON.readValue(TestSetup.cli("--config", config.toString(), "list",
                    "--json").out(), new TypeReference<>() { });
            assertEquals(List.of("full VERIFIED", "incremental EXPIRED", "full EXPIRED"),
                    after.stream().map(b -> b.get("type") + " " + b.get("status")).toList(), after.toString());
            assertEquals(List.of(incremental.get("id"), full.get("id")), List.of(after.get(1).get("id"),
                    after.get(2).get("id")));
            for (Map<String, Object> expired : after.subList(1, 3)) {
                assertTrue(!java.nio.file.Files.exists(Path.of((String) expired.get("path"))),
                        "its folder is removed: " + expired);
            }
        }
    }
}
