package org.backupscheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup check} judges SUPER and REPLICATION SLAVE ADMIN as MariaDB 10.11 does: SUPER
 * does not include RELOAD or PROCESS, and --safe-slave-backup needs REPLICATION SLAVE ADMIN.
 */
class GrantsIT {
    @TempDir
    Path dir;

    @Test
    void superAloneLacksReloadAndProcessAndSafeSlaveBackupNeedsSlaveAdmin() throws Exception {
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("grs"))) {
            server.execute("CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '" + TestSetup.BACKUP_PASSWORD + "'",
                    "GRANT SUPER ON *.* TO 'backup'@'127.0.0.1'");
            Path config = TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    null);

            TestSetup.Result superOnly = TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");

            assertEquals(3, superOnly.exitCode(), superOnly.toString());
            assertTrue(superOnly.out().contains("✗ user 'backup' lacks RELOAD, PROCESS\n"), superOnly.out());
            // What a user checks: with SUPER alone the engine's first FLUSH is refused.
            TestSetup.Result run = TestSetup.cli("--config", config.toString(), "run");
            assertEquals(1, run.exitCode(), run.toString());

            server.execute("REVOKE SUPER ON *.* FROM 'backup'@'127.0.0.1'",
                    "GRANT RELOAD, PROCESS, BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN ON *.* "
                            + "TO 'backup'@'127.0.0.1'");
            Files.writeString(config, Files.readString(config).replace("source:\n", "source:\n  safe-slave-backup: true\n"));
            TestSetup.Result safe = TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");
            assertEquals(3, safe.exitCode(), safe.toString());
            assertTrue(safe.out().contains("✗ user 'backup' lacks REPLICATION SLAVE ADMIN\n"), safe.out());
            assertTrue(safe.out().contains("missing REPLICATION SLAVE ADMIN: needed by source.safe-slave-backup"),
                    safe.out());

            server.execute("GRANT REPLICATION SLAVE ADMIN ON *.* TO 'backup'@'127.0.0.1'");
            TestSetup.Result again = TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");
            assertTrue(again.out().contains("✓ user 'backup' has every privilege"), again.out());
        }
    }
}
