package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config-dir}: instance files over defaults.yml; a wrong file stops its own instance only. */
class ConfigDirTest {
    @TempDir
    Path dir;
    Path configs;
    Path pw;

    @BeforeEach
    void folders() throws IOException {
        configs = Files.createDirectory(dir.resolve("instances"));
        pw = TestSetup.passwordFile(dir, "pw", "secret");
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(configs.resolve(name), String.join("\n", lines) + "\n");
    }

    private void defaults() throws IOException {
        write("defaults.yml", "repository: " + dir.resolve("repo"), "source:", "  user: backup",
                "  password-file: " + pw, "schedule:", "  run-timeout: 20m", "retention: {hourly: 5, daily: 2}");
    }

    @Test
    void defaultsMergeUnderEachInstanceSectionBySectionAndTheInstanceFileWins() throws IOException {
        defaults();
        write("db1.yml", "instance: db1", "source:", "  host: 10.0.0.1", "  port: 3307");
        write("db2.yml", "instance: db2", "source:", "  host: 10.0.0.2", "  user: other",
                "retention: {hourly: 9}");
        Fleet fleet = ConfigDir.load(configs);
        assertEquals(List.of("db1", "db2"), fleet.names());
        assertEquals(List.of(), fleet.refused());
        BackupConfig db1 = fleet.pick("db1");
        assertEquals("10.0.0.1", db1.source().host());
        assertEquals(3307, db1.source().port());
        assertEquals("backup", db1.source().user(), "the default's key stays beside the instance's own");
        assertEquals(dir.resolve("repo"), db1.localRepository());
        assertEquals(Duration.ofMinutes(20), db1.schedule().runTimeout());
        BackupConfig db2 = fleet.pick("db2");
        assertEquals("other", db2.source().user());
        assertEquals(9, db2.retention().hourly());
        assertEquals(2, db2.retention().daily(), "sections merge key by key");
        assertEquals(configs.resolve("db2.yml"), fleet.files().get("db2"));
    }

    @Test
    void aBrokenInstanceFileIsRefusedNamingTheFileAndTheOthersLoad() throws IOException {
        defaults();
        write("db1.yml", "instance: db1", "source:", "  host: 10.0.0.1");
        Path bad = write("db2.yml", "instance: db2", "source:", "  host: 10.0.0.2", "schedule:",
                "  run-timeout: 5 parsecs");
        Fleet fleet = ConfigDir.load(configs);
        assertEquals(List.of("db1"), fleet.loaded().stream().map(BackupConfig::instance).toList());
        assertEquals(1, fleet.refused().size());
        assertEquals(bad, fleet.refused().get(0).file());
        assertEquals("db2", fleet.refused().get(0).instance());
        ConfigException e = assertThrows(ConfigException.class, () -> fleet.pick("db2"));
        assertTrue(e.getMessage().contains("schedule.run-timeout") && e.getMessage().contains(bad.toString()),
                e.getMessage());
        assertEquals("db1", fleet.pick("db1").instance());
    }

    @Test
    void twoFilesNamingOneInstanceAreBothRefusedNamingBoth() throws IOException {
        defaults();
        Path a = write("a.yml", "instance: db1", "source:", "  host: 10.0.0.1");
        Path b = write("b.yml", "instance: db1", "source:", "  host: 10.0.0.2");
        write("c.yml", "instance: db3", "source:", "  host: 10.0.0.3");
        Fleet fleet = ConfigDir.load(configs);
        assertEquals(List.of("db3"), fleet.loaded().stream().map(BackupConfig::instance).toList());
        ConfigException e = assertThrows(ConfigException.class, () -> fleet.pick("db1"));
        assertEquals("instance 'db1' is named by two files, " + a + " and " + b, e.getMessage());
        assertEquals(List.of(a, b), fleet.refused().stream().map(Fleet.Refusal::file).toList());
    }

    @Test
    void anInstanceInDefaultsStopsTheWholeFolder() throws IOException {
        write("defaults.yml", "instance: all", "repository: /r");
        write("db1.yml", "instance: db1");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigDir.load(configs));
        assertTrue(e.getMessage().startsWith("instance is set in " + configs.resolve("defaults.yml")), e.getMessage());
    }

    @Test
    void aCommandOnOneInstanceNeedsInstanceWhenSeveralAreLoaded() throws IOException {
        defaults();
        write("db1.yml", "instance: db1", "source:", "  host: 127.0.0.1", "  port: 1");
        write("db2.yml", "instance: db2", "source:", "  host: 127.0.0.1", "  port: 2");
        Result r = TestSetup.cli("--config-dir", configs.toString(), "run");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("error: " + configs + " holds 2 instances: this command works on one\n"
                + "HINT: pass --instance NAME, one of: db1, db2\n", r.err());
        Result unknown = TestSetup.cli("--config-dir", configs.toString(), "--instance", "db9", "show", "x");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().startsWith("error: no instance 'db9' in " + configs), unknown.err());
        assertTrue(unknown.err().contains("HINT: pass --instance with one of: db1, db2"), unknown.err());
        assertTrue(!Files.exists(dir.resolve("repo")), "nothing was created");
    }

    @Test
    void listCoversTheLoadedInstancesAndExitsTwoNamingTheRefusedFile() throws IOException {
        defaults();
        write("db1.yml", "instance: db1", "source:", "  host: 127.0.0.1", "  port: 1");
        Path bad = write("db2.yml", "instance: db2", "sorce:", "  host: 127.0.0.1");
        Result r = TestSetup.cli("--config-dir", configs.toString(), "list");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.out().contains("(no backups yet"), r.toString());
        assertTrue(r.err().startsWith("error: instance file " + bad + " refused, its instance left out: unknown key "
                + "'sorce' in " + bad), r.err());
        Result one = TestSetup.cli("--config-dir", configs.toString(), "--instance", "db1", "list", "--json");
        assertEquals(0, one.exitCode(), one.toString());
        assertEquals("[ ]", one.out().strip());
        Result broken = TestSetup.cli("--config-dir", configs.toString(), "--instance", "db2", "list");
        assertEquals(2, broken.exitCode(), broken.toString());
        assertTrue(broken.err().startsWith("error: unknown key 'sorce' in " + bad), broken.err());
    }

    @Test
    void aDaemonRefusesInstancesThatDoNotShareOneRepositoryNamingBothFiles() throws IOException {
        defaults();
        Path a = write("db1.yml", "instance: db1", "source:", "  host: 127.0.0.1", "  port: 1");
        // One catalog (else that differs first: the H2 default lives in the repository), two repositories.
        Path b = write("db2.yml", "instance: db2", "repository: " + dir.resolve("elsewhere"), "source:",
                "  host: 127.0.0.1", "  port: 2");
        Files.writeString(configs.resolve("defaults.yml"), "catalog: {url: 'jdbc:h2:file:" + dir.resolve("cat")
                + "'}\n", java.nio.file.StandardOpenOption.APPEND);
        Result r = TestSetup.cli("--config-dir", configs.toString(), "daemon");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("error: instances db1 (" + a + ") and db2 (" + b + ") set different repository"),
                r.err());
        assertTrue(r.err().contains("HINT: set repository once, in defaults.yml"), r.err());
        assertTrue(!Files.exists(dir.resolve("repo")) && !Files.exists(dir.resolve("elsewhere")), "nothing was created");
    }

    @Test
    void instanceMustMatchASingleConfigFile() throws IOException {
        Path file = write("db1.yml", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                "  host: 127.0.0.1", "  user: backup", "  password-file: " + pw);
        Result r = TestSetup.cli("--config", file.toString(), "--instance", "db2", "list");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("error: --instance db2 is not the instance of " + file + " (db1)"), r.err());
        assertEquals(0, TestSetup.cli("--config", file.toString(), "--instance", "db1", "list").exitCode());
    }
}
