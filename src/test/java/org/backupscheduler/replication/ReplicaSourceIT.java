package org.backupscheduler.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backing up a replica, as the field report did: a healthy one records its primary's
 * coordinates; a broken or lagging one gives no silently stale backup.
 */
class ReplicaSourceIT {

    @TempDir
    Path dir;

    private ReplicationPair pair;

    @BeforeEach
    void startPair() throws Exception {
        pair = ReplicationPair.start("rs");
        // Created on the primary, the account replicates to the replica like any other change.
        TestSetup.createBackupUser(pair.primary());
        Workload.load(pair.primary(), 2_000);
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    /** A config backing up the replica; {@code sourceKeys} are added to its source section. */
    private Path config(String... sourceKeys) throws IOException {
        Path config = TestSetup.config(dir, pair.replica(),
                TestSetup.passwordFile(dir, "source.password", TestSetup.BACKUP_PASSWORD), null);
        StringBuilder keys = new StringBuilder();
        for (String k : sourceKeys) {
            keys.append("  ").append(k).append('\n');
        }
        Files.writeString(config, Files.readString(config).replace("  password-file:", keys + "  password-file:"));
        return config;
    }

    private Map<String, Object> newest(Path config) throws IOException {
        return TestSetup.newest(config);
    }

    @Test
    void healthyReplicaBackupRecordsThePrimarysCoordinatesAndItsLag() throws Exception {
        Path config = config();
        String primaryGtid = SqlValues.single(pair.primary(), "SELECT @@gtid_binlog_pos");

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = newest(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
        assertEquals("replica", b.get("source_role"));
        assertEquals(0, ((Number) b.get("replica_lag_seconds")).intValue());
        assertEquals("127.0.0.1:" + pair.primary().port(), b.get("primary_address"));
        // Replicating by GTID: mariabackup records the primary's GTID the replica had applied.
        assertEquals(primaryGtid, b.get("primary_gtid"));
        Result list = TestSetup.cli("--config", config.toString(), "list");
        assertTrue(list.out().contains("[replica, lag 0s]"), list.out());
        Result show = TestSetup.cli("--config", config.toString(), "show", (String) b.get("id"));
        assertTrue(show.out().contains("primary_gtid            " + primaryGtid), show.out());
    }

    @Test
    void stoppedSqlThreadRefusesTheRunQuotingTheReplica() throws Exception {
        pair.replica().execute("STOP SLAVE SQL_THREAD");
        Workload.load(pair.primary(), 100);
        Path config = config();

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> b = newest(config);
        assertEquals("FAILED", b.get("status"));
        String reason = (String) b.get("reason");
        assertTrue(reason.contains("Slave_SQL_Running: No"), reason);
        assertTrue(reason.contains("applied up to mysql-bin."), reason);
        assertTrue(run.err().contains("Slave_SQL_Running: No"), run.err());
        assertEquals(0, data(b), "no engine ran: nothing copied");
    }

    @Test
    void error1236FromPurgedBinlogsRefusesTheRun() throws Exception {
        pair.breakWith1236(() -> {
            try {
                Workload.load(pair.primary(), 100);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Path config = config();

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        String reason = (String) newest(config).get("reason");
        assertTrue(reason.contains("Last_IO_Errno 1236"), reason);
        assertTrue(reason.contains("Could not find GTID state requested by slave"), reason);
        assertTrue(reason.contains("Slave_IO_Running: No"), reason);
    }

    @Test
    void lagAboveMaxLagRefusesTheRun() throws Exception {
        // A delayed replica: both threads run, but it applies events 60 s late.
        pair.replica().execute("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY=60", "START SLAVE");
        Workload.load(pair.primary(), 10);
        awaitLagAtLeast(3);
        Path config = config("max-lag: 2s");

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        String reason = (String) newest(config).get("reason");
        assertTrue(reason.matches(".*replica is \\d+s behind its primary .*more than source.max-lag 2s.*"), reason);
    }

    @Test
    void backupAndFlagKeepsAStaleBackupThatSaysSo() throws Exception {
        pair.replica().execute("STOP SLAVE SQL_THREAD");
        Workload.load(pair.primary(), 100);
        Path config = config("on-stale: backup-and-flag");

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("STALE"), run.err());
        Map<String, Object> b = newest(config);
        assertEquals("STALE", b.get("status"));
        assertTrue(((String) b.get("reason")).contains("Slave_SQL_Running: No"), b.toString());
        assertTrue(((Number) b.get("size_bytes")).longValue() > 0, "the backup itself was kept: " + b);

        // Kept, but never restored: --latest passes over it and says why.
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        Files.writeString(config, Files.readString(config)
                + pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()));
        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1",
                "--dry-run");
        assertEquals(1, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("error: no valid backup of " + b.get("instance") + " to restore: newest "
                + "backup " + b.get("id") + " is STALE ("), restore.err());
        assertTrue(restore.err().contains("): not used"), restore.err());
        assertFalse(restore.out().contains("use backup " + b.get("id")), restore.out());
    }

    private static long data(Map<String, Object> b) {
        Object size = b.get("size_bytes");
        return size == null ? 0 : ((Number) size).longValue();
    }

    private void awaitLagAtLeast(long seconds) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try (var c = pair.replica().connect(); var st = c.createStatement();
                 var rs = st.executeQuery("SHOW SLAVE STATUS")) {
                if (rs.next()) {
                    long lag = rs.getLong("Seconds_Behind_Master");
                    if (!rs.wasNull() && lag >= seconds) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replica lag never reached " + seconds + "s");
    }
}
