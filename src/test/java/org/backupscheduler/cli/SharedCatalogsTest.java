package org.backupscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list} and {@code report} over --config-dir open each distinct catalog once for the
 * whole command, not once per instance (docs/benchmarks.md, "Catalog at fleet scale": an open of
 * a million-row H2 file costs a second or more), and an instance naming another catalog gets its own.
 */
class SharedCatalogsTest {
    @TempDir
    Path dir;

    @Test
    void aFleetCommandOpensEachCatalogOnce() throws Exception {
        Path pw = TestSetup.passwordFile(dir, "pw", "secret");
        Path configs = dir.resolve("instances");
        java.nio.file.Files.createDirectories(configs);
        ConfigTrust.write(configs.resolve("defaults.yml"), "repository: " + dir.resolve("repo") + "\n"
                + "source: {host: 127.0.0.1, port: 1, user: backup, password-file: " + pw + "}\n");
        for (String name : new String[] {"db1", "db2", "db3"}) {
            ConfigTrust.write(configs.resolve(name + ".yml"), "instance: " + name + "\n");
        }
        assertEquals(1, opens("--config-dir", configs.toString(), "list"));
        assertEquals(1, opens("--config-dir", configs.toString(), "report", "--format", "json"));
        assertEquals(1, opens("--config-dir", configs.toString(), "list", "--json"));

        // An instance whose repository (and so its embedded catalog) is another: a second open.
        ConfigTrust.write(configs.resolve("db4.yml"), "instance: db4\nrepository: " + dir.resolve("repo4") + "\n");
        assertEquals(2, opens("--config-dir", configs.toString(), "list"));
        assertEquals(2, opens("--config-dir", configs.toString(), "report"));
    }

    /** How many catalogs the command opened. */
    private static int opens(String... args) {
        int before = SharedCatalogs.OPENED.get();
        Result r = TestSetup.cli(args);
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString()); // report: 3, nothing VERIFIED yet
        return SharedCatalogs.OPENED.get() - before;
    }
}
