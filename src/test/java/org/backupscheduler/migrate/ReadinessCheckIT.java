package org.backupscheduler.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `backup check` lists the sandbox's MyISAM and Aria tables, largest first, with their ALTER. */
class ReadinessCheckIT {

    @TempDir
    Path dir;

    @Test
    void listsNonInnodbTablesLargestFirstWithQuotedAlter() throws Exception {
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("ready"))) {
            TestSetup.createBackupUser(server);
            server.execute("CREATE DATABASE shop",
                    "CREATE TABLE shop.big_log (id INT PRIMARY KEY, pad CHAR(200)) ENGINE=MyISAM",
                    "INSERT INTO shop.big_log SELECT seq, REPEAT('x', 200) FROM shop.seq_1_to_5000",
                    "CREATE TABLE shop.`we``ird` (id INT) ENGINE=Aria",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY) ENGINE=InnoDB");
            Path config = TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw",
                    TestSetup.BACKUP_PASSWORD), null);

            // the least-privilege backup user cannot see the tables: say so, never "all InnoDB"
            TestSetup.Result blind = TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");
            assertEquals(3, blind.exitCode(), blind.toString());
            assertTrue(blind.out().contains("✗ user 'backup' sees only the tables it holds a privilege on"),
                    blind.out());

            server.execute("GRANT SELECT ON *.* TO 'backup'@'127.0.0.1'");
            TestSetup.Result r = TestSetup.cli("--config", config.toString(), "check", "--copy-rate", "1");
            assertEquals(3, r.exitCode(), r.toString());
            String out = r.out();
            assertTrue(out.contains("✓ source reachable: 127.0.0.1:" + server.port()), out);
            assertTrue(out.contains("✗ 2 non-InnoDB tables"), out);
            assertTrue(out.contains("lock time = size / 1.0 MiB/s, configured: --copy-rate 1.0 MiB/s")
                    || out.contains("configured: --copy-rate 1.0 MiB/s"), out);
            int big = out.indexOf("fix: ALTER TABLE `shop`.`big_log` ENGINE=InnoDB;");
            int weird = out.indexOf("fix: ALTER TABLE `shop`.`we``ird` ENGINE=InnoDB;");
            assertTrue(big > 0 && weird > big, out);
            assertTrue(out.matches("(?s).*shop\\.big_log\\s+MyISAM\\s+\\S+ \\S+\\s+[0-9.]+s.*"), out);
            assertTrue(!out.contains("orders"), out);
        }
    }
}
