package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.catalog.Restores;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore killed mid-way (SIGKILL, OOM, a reboot) leaves its row RUNNING: the next command of
 * this host marks it FAILED with the reason, as it does for backups. On the embedded catalog;
 * the contract on every catalog database is in CatalogContract.
 */
class OrphanRestoresTest {
    @TempDir
    Path dir;

    @Test
    void aRestoreLeftRunningByADeadProcessIsFailedAtTheNextStart() throws Exception {
        Path pw = TestSetup.passwordFile(dir, "pw", "x");
        Path config = dir.resolve("backup.yml");
        Files.writeString(config, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"),
                "source:", "  host: 127.0.0.1", "  port: 1", "  user: backup", "  password-file: " + pw, ""));
        BackupConfig loaded = ConfigLoader.load(config);
        // A process of this host that ran the restore and is gone: it started, and it was reaped.
        Process killed = new ProcessBuilder("sleep", "60").start();
        long started = killed.info().startInstant().orElseThrow().toEpochMilli();
        killed.destroyForcibly().waitFor();
        ProcessIdentity dead = new ProcessIdentity(ProcessIdentity.hostName(), killed.pid(), started);
        Path aside = dir.resolve("mysql.before-restore-20261124-110000");
        try (Catalog catalog = Catalog.open(loaded.catalogUrl(), null, null)) {
            Restores restores = catalog.backups().restores();
            restores.start("db1", "20261124-110000", "r1", "20261124-090000F", null, Instant.now(), dead);
            restores.movedAside("db1", "20261124-110000", aside.toString());
        }

        TestSetup.Result list = TestSetup.cli("--config", config.toString(), "list");

        assertEquals(0, list.exitCode(), list.toString());
        try (Catalog catalog = Catalog.open(loaded.catalogUrl(), null, null)) {
            Restores.Row row = catalog.backups().restores().find("db1", "20261124-110000").orElseThrow();
            assertEquals("FAILED", row.status());
            assertEquals("the process running it (pid " + killed.pid() + " on " + ProcessIdentity.hostName()
                    + ") died before it finished; found at the next start; the old datadir is kept at " + aside
                    + ": check the replica before moving it back", row.reason());
            assertEquals(aside.toString(), row.oldDatadir());
        }
    }
}
