package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore --latest --until T} after the primary purged the binlogs from the backup on: the
 * replica is rebuilt from the backup and rolled forward from the binlog archive to the last event
 * before T, with replication configured but not started.
 */
class RestoreFromArchiveIT {
    @TempDir
    Path dir;

    private ReplicationPair pair;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        pair = ReplicationPair.start("raf");
        TestSetup.createBackupUser(pair.primary());
        pair.primary().execute("GRANT REPLICATION SLAVE ON *.* TO 'backup'@'127.0.0.1'", "CREATE DATABASE app",
                "CREATE TABLE app.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        Path repl = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        config = TestSetup.config(dir, pair.primary(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                "binlogs:\n  archive: on\n" + pair.replicaConfigYaml("r1", repl, "datadir: " + pair.replica().datadir()));
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private void mark(String name) throws Exception {
        pair.primary().execute("INSERT INTO app.marks VALUES ('" + name + "')");
    }

    private long marks(String name) throws Exception {
        return SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM app.marks WHERE name = '" + name + "'");
    }

    @Test
    void untilRollsForwardFromTheArchiveWhenThePrimaryPurgedItsBinlogs() throws Exception {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        mark("before");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after");
        pair.primary().execute("FLUSH BINARY LOGS");
        assertEquals(0, TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once").exitCode());
        pair.purgeAllButNewestBinlog();

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1",
                "--until", target.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("rolled forward from the binlog archive up to "), restore.toString());
        assertEquals(1, marks("before"), "the row inserted before the target is there");
        assertEquals(0, marks("after"), "the row inserted after the target is not");
        assertEquals("No", pair.slaveStatus("Slave_IO_Running"), "replication configured, not started");
        assertEquals("127.0.0.1", pair.slaveStatus("Master_Host"));
    }

    @Test
    void aSideRestoreReadsTheArchiveWhenThePrimaryPurgedItsBinlogs() throws Exception {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        mark("before");
        Thread.sleep(1500);
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(1500);
        mark("after");
        pair.primary().execute("FLUSH BINARY LOGS");
        assertEquals(0, TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once").exitCode());
        pair.purgeAllButNewestBinlog();
        Path side = dir.resolve("side");

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--until",
                target.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")), "--to", side.toString(), "--serve");

        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(restore.out().contains("read from the binlog archive"), restore.toString());
        try {
            Process q = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + side.resolve("mysqld.sock"),
                    "--user=root", "-N", "-e", "SELECT GROUP_CONCAT(name ORDER BY name) FROM app.marks")
                    .redirectErrorStream(true).start();
            String rows = new String(q.getInputStream().readAllBytes()).strip();
            q.waitFor();
            assertEquals("before", rows, "the side copy holds the row before the target, not the one after");
        } finally {
            Result stop = TestSetup.cli("--config", config.toString(), "restore", "--stop", side.toString());
            assertEquals(0, stop.exitCode(), stop.toString());
        }
    }

    @Test
    void withoutTheArchiveTheRestoreIsRefusedBeforeAnythingChanges() throws Exception {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        mark("before");
        LocalDateTime target = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Thread.sleep(1500);
        pair.primary().execute("FLUSH BINARY LOGS");
        pair.purgeAllButNewestBinlog(); // nothing was archived

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1",
                "--until", target.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));

        assertEquals(1, restore.exitCode(), restore.toString());
        assertTrue(restore.err().contains("the binlog archive's newest sealed event is none after the backup's "
                + "position"), restore.toString());
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"), "the replica was not touched");
    }
}
