package org.backupscheduler.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup check} names each privilege the source account lacks, and what needs it. */
class GrantsCheckIT {
    @TempDir
    Path dir;

    @Test
    void eachMissingPrivilegeIsNamedWithTheGrantThatFixesIt() throws Exception {
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("grt"))) {
            server.execute("CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '" + TestSetup.BACKUP_PASSWORD + "'",
                    "GRANT RELOAD, PROCESS ON *.* TO 'backup'@'127.0.0.1'");
            Path config = TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    null);

            TestSetup.Result r = TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");

            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.out().contains("✗ user 'backup' lacks BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN"),
                    r.out());
            assertTrue(r.out().contains("missing BINLOG MONITOR: needed by the backup's binlog coordinates"), r.out());
            assertTrue(r.out().contains("fix: GRANT BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN ON *.* TO "
                    + "'backup'@'<its host>';"), r.out());
            // SHOW GRANTS prints the password hash; the checklist must not.
            assertFalse(r.out().matches("(?s).*\\*[0-9A-F]{40}.*"), r.out());

            server.execute("GRANT BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN ON *.* TO 'backup'@'127.0.0.1'");
            TestSetup.Result again = TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");
            assertTrue(again.out().contains("✓ user 'backup' has every privilege"), again.out());
        }
    }
}
