package org.backupscheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup check} names each privilege the source account lacks and what needs it, judged
 * as MariaDB 10.11 does: SUPER does not include RELOAD or PROCESS, and --safe-slave-backup needs
 * REPLICATION SLAVE ADMIN.
 */
class GrantsIT {
    private static SandboxServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = SandboxServer.start(SandboxOptions.primary("grt"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A fresh source account 'backup' with only {@code grants}, and a config that uses it. */
    private Path accountWith(String grants) throws Exception {
        server.execute("DROP USER IF EXISTS 'backup'@'127.0.0.1'",
                "CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '" + TestSetup.BACKUP_PASSWORD + "'",
                "GRANT " + grants + " ON *.* TO 'backup'@'127.0.0.1'");
        return TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD), null);
    }

    private static TestSetup.Result check(Path config) {
        return TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");
    }

    @Test
    void eachMissingPrivilegeIsNamedWithTheGrantThatFixesIt() throws Exception {
        Path config = accountWith("RELOAD, PROCESS");

        TestSetup.Result r = check(config);

        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("✗ user 'backup' lacks BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN"),
                r.out());
        assertTrue(r.out().contains("missing BINLOG MONITOR: needed by the backup's binlog coordinates"), r.out());
        assertTrue(r.out().contains("fix: GRANT BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN ON *.* TO "
                + "'backup'@'<its host>';"), r.out());
        // SHOW GRANTS prints the password hash; the checklist must not.
        assertFalse(r.out().matches("(?s).*\\*[0-9A-F]{40}.*"), r.out());

        server.execute("GRANT BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN ON *.* TO 'backup'@'127.0.0.1'");
        TestSetup.Result again = check(config);
        assertTrue(again.out().contains("✓ user 'backup' has every privilege"), again.out());
    }

    @Test
    void superAloneLacksReloadAndProcessAndSafeSlaveBackupNeedsSlaveAdmin() throws Exception {
        Path config = accountWith("SUPER");

        TestSetup.Result superOnly = check(config);

        assertEquals(3, superOnly.exitCode(), superOnly.toString());
        assertTrue(superOnly.out().contains("✗ user 'backup' lacks RELOAD, PROCESS\n"), superOnly.out());
        // What a user checks: with SUPER alone the engine's first FLUSH is refused.
        TestSetup.Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(1, run.exitCode(), run.toString());

        server.execute("REVOKE SUPER ON *.* FROM 'backup'@'127.0.0.1'",
                "GRANT RELOAD, PROCESS, BINLOG MONITOR, SLAVE MONITOR, CONNECTION ADMIN ON *.* "
                        + "TO 'backup'@'127.0.0.1'");
        Files.writeString(config, Files.readString(config).replace("source:\n", "source:\n  safe-slave-backup: true\n"));
        TestSetup.Result safe = check(config);
        assertEquals(3, safe.exitCode(), safe.toString());
        assertTrue(safe.out().contains("✗ user 'backup' lacks REPLICATION SLAVE ADMIN\n"), safe.out());
        assertTrue(safe.out().contains("missing REPLICATION SLAVE ADMIN: needed by source.safe-slave-backup"),
                safe.out());

        server.execute("GRANT REPLICATION SLAVE ADMIN ON *.* TO 'backup'@'127.0.0.1'");
        TestSetup.Result again = check(config);
        assertTrue(again.out().contains("✓ user 'backup' has every privilege"), again.out());
    }
}
