package org.backupscheduler.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real mariadb-hotcopy of a sandbox, imported as LEGACY and checked; an empty copy caught. */
class LegacyImportIT {

    @TempDir
    Path dir;

    @Test
    void realHotcopyFolderIsLegacyAndAnEmptyOneInvalid() throws Exception {
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("hotcopy"))) {
            server.execute("CREATE DATABASE shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(50)) ENGINE=MyISAM",
                    "INSERT INTO shop.orders VALUES (1,'a'),(2,'b'),(3,'c')",
                    "CREATE TABLE shop.empty_log (id INT) ENGINE=MyISAM",
                    "CREATE TABLE shop.carts (id INT PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO shop.carts VALUES (1)");
            Path target = Files.createDirectories(dir.resolve("hotcopy"));
            // what the old cron job ran; root has no password in a sandbox, so none is in argv
            ProcessResult hotcopy = new ProcessRunner(List.of("mariadb-hotcopy", "--user=root",
                    "--socket=" + server.socket(), "shop", target.toString()), dir.resolve("hotcopy.log"),
                    Duration.ofMinutes(2)).run();
            assertEquals(0, hotcopy.exitCode(), Files.readString(dir.resolve("hotcopy.log")));
            Files.createDirectories(target.resolve("night_copy")); // the field report: empty folders

            Path pw = TestSetup.passwordFile(dir, "pw", "x");
            Path config = TestSetup.config(dir, server, pw, null);
            TestSetup.Result r = TestSetup.cli("--config", config.toString(), "migrate", "hotcopy",
                    "--import-dir", target.toString());
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.out().contains("INVALID  hotcopy-night_copy-"), r.out());
            assertTrue(r.out().contains("folder is empty: hotcopy copied nothing"), r.out());
            assertTrue(r.out().contains("LEGACY   hotcopy-shop-"), r.out());
            assertTrue(r.out().contains("hotcopy folder checked: 2 MyISAM tables, 3 rows; unusable (InnoDB "
                    + "copied by hotcopy without consistency): carts"), r.out());
            assertTrue(r.err().contains("error: 1 hotcopy folder(s) failed their check"), r.err());

            TestSetup.Result list = TestSetup.cli("--config", config.toString(), "list", "--json");
            assertEquals(0, list.exitCode(), list.toString());
            assertTrue(list.out().contains("\"status\" : \"LEGACY\"") || list.out().contains("\"status\":\"LEGACY\""),
                    list.out());

            // importing again adds nothing
            TestSetup.Result again = TestSetup.cli("--config", config.toString(), "migrate", "hotcopy",
                    "--import-dir", target.toString());
            assertTrue(again.out().contains("(already in the catalog)"), again.out());
        }
    }
}
