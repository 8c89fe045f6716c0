package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field report's 1236, healed from the binlog archive without a rebuild: the replica stopped,
 * the primary wrote and purged, and {@code replica repair} replays the archived events it lacks,
 * re-attaches it and waits until it has caught up. Across a gap in the archive it refuses.
 */
class ReplicaRepairIT {
    @TempDir
    Path dir;

    private ReplicationPair pair;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        pair = ReplicationPair.start("rr");
        TestSetup.createBackupUser(pair.primary());
        pair.primary().execute("GRANT REPLICATION SLAVE ON *.* TO 'backup'@'127.0.0.1'",
                "CREATE DATABASE app", "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40))");
        write(10);
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        Path repl = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        config = TestSetup.config(dir, pair.primary(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                "binlogs:\n  archive: on\n" + pair.replicaConfigYaml("replica1", repl, null));
        assertEquals(0, pull().exitCode());
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private Result pull() {
        return TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once");
    }

    private void write(int rows) throws Exception {
        for (int i = 0; i < rows; i++) {
            pair.primary().execute("INSERT INTO app.t (v) VALUES (UUID())");
        }
    }

    private static String checksum(SandboxServer s) throws Exception {
        return SqlValues.single(s, "CHECKSUM TABLE app.t") + "";
    }

    private void await1236() throws Exception {
        pair.replica().execute("START SLAVE");
        Instant deadline = Instant.now().plusSeconds(30);
        while (!"1236".equals(pair.slaveStatus("Last_IO_Errno"))) {
            assertTrue(Instant.now().isBefore(deadline), "the replica never reported 1236");
            Thread.sleep(200);
        }
    }

    @Test
    void aReplicaBrokenByPurgedBinlogsIsRepairedFromTheArchiveInPlace() throws Exception {
        List<String> before;
        try (var files = Files.list(pair.replica().datadir().getParent())) {
            before = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        pair.replica().execute("STOP SLAVE");
        write(20);
        pair.primary().execute("FLUSH BINARY LOGS");
        write(5);
        pair.primary().execute("FLUSH BINARY LOGS");
        assertEquals(0, pull().exitCode(), "the archive has the files before they are purged");
        pair.purgeAllButNewestBinlog();
        write(3); // in the file the primary still has
        await1236();
        Result check = TestSetup.cli("--config", config.toString(), "replica", "check", "replica1");
        assertEquals(3, check.exitCode(), check.toString());
        assertTrue(check.out().contains("  way back: the binlog archive holds the missing events: bin/backup replica "
                + "repair replica1"), check.toString());

        Result repair = TestSetup.cli("--config", config.toString(), "replica", "repair", "replica1");

        assertEquals(0, repair.exitCode(), repair.toString());
        assertTrue(repair.out().contains("replica replica1 repaired: "), repair.toString());
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(SqlValues.single(pair.primary(), "SELECT COUNT(*) FROM app.t"),
                SqlValues.single(pair.replica(), "SELECT COUNT(*) FROM app.t"));
        assertEquals(checksum(pair.primary()), checksum(pair.replica()));
        assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
        try (var files = Files.list(pair.replica().datadir().getParent())) {
            assertEquals(before, files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no datadir moved aside, nothing re-seeded");
        }
    }

    @Test
    void aGapInTheArchiveIsRefusedNamingTheRangeAndRestoreAsTheWay() throws Exception {
        // The archiver did not run while the primary wrote, flushed and purged.
        pair.breakWith1236(() -> {
            try {
                write(15);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Result check = TestSetup.cli("--config", config.toString(), "replica", "check", "replica1");
        assertTrue(check.out().contains("  way back: replica repair cannot: the archive ends at "), check.toString());
        assertTrue(check.out().contains("rebuild it: bin/backup restore --latest --replica replica1"), check.toString());

        Result repair = TestSetup.cli("--config", config.toString(), "replica", "repair", "replica1");

        assertEquals(1, repair.exitCode(), repair.toString());
        assertTrue(repair.err().contains("the archive ends at ") && repair.err().contains("the events between are in "
                + "neither"), repair.toString());
        assertTrue(repair.err().contains("bin/backup restore --latest"), repair.toString());
    }
}
