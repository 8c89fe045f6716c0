package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad config, as a user meets it on the command line: one line naming the key and the value, a
 * HINT line, exit 2, and nothing created (the repository folder does not appear).
 */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private String base(Path passwordFile) {
        return String.join("\n",
                "instance: db1",
                "repository: " + dir.resolve("repo"),
                "source:",
                "  host: 127.0.0.1",
                "  port: 1",
                "  user: backup",
                "  password-file: " + passwordFile,
                "");
    }

    private Path goodPasswordFile() throws IOException {
        return TestSetup.passwordFile(dir, "pw", "secret");
    }

    private void assertUsageError(Result r, String... mustMention) {
        assertEquals(2, r.exitCode(), r.toString());
        String[] lines = r.err().strip().split("\n");
        assertEquals(2, lines.length, "one error line and one HINT line:\n" + r.err());
        assertTrue(lines[0].startsWith("error: "), r.err());
        assertTrue(lines[1].startsWith("HINT: "), r.err());
        for (String s : mustMention) {
            assertTrue(lines[0].contains(s), "error line should mention '" + s + "': " + lines[0]);
        }
        assertFalse(Files.exists(dir.resolve("repo")), "a refused config must change nothing");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level key | colour: blue | colour",
        "unknown nested key | engine:\\n  paralel: 4 | engine.paralel",
        "bad duration | schedule:\\n  run-timeout: 5 parsecs | schedule.run-timeout",
        "negative duration | schedule:\\n  run-timeout: -5m | schedule.run-timeout",
        "unknown lock action | locks:\\n  action: shoot | locks.action",
        "number expected | engine:\\n  parallel: many | engine.parallel",
        "zero parallel | engine:\\n  parallel: 0 | engine.parallel",
        "bad regex | locks:\\n  match-info: '([' | locks.match-info",
        "zero max-kills | locks:\\n  max-kills: 0 | locks.max-kills",
    })
    void badValueNamesTheKey(String name, String extra, String key) throws IOException {
        Path config = write(base(goodPasswordFile()) + extra.replace("\\n", "\n") + "\n");
        assertUsageError(TestSetup.cli("--config", config.toString(), "run"), key);
    }

    @Test
    void missingRequiredKey() throws IOException {
        Path config = write(base(goodPasswordFile()).replace("  user: backup\n", ""));
        assertUsageError(TestSetup.cli("--config", config.toString(), "run"), "source.user");
    }

    @Test
    void relativeRepositoryIsRefused() throws IOException {
        Path config = write(base(goodPasswordFile()).replace("repository: " + dir.resolve("repo"),
                "repository: backups"));
        assertUsageError(TestSetup.cli("--config", config.toString(), "run"), "repository", "backups");
    }

    @Test
    void groupReadablePasswordFileIsRefused() throws IOException {
        Path pw = goodPasswordFile();
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r-----"));
        Path config = write(base(pw));
        assertUsageError(TestSetup.cli("--config", config.toString(), "run"), "source.password-file",
                pw.toString());
    }

    @Test
    void worldReadablePasswordFileIsRefused() throws IOException {
        Path pw = goodPasswordFile();
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw----r--"));
        Path config = write(base(pw));
        Result r = TestSetup.cli("--config", config.toString(), "run");
        assertUsageError(r, "source.password-file", pw.toString());
        assertTrue(r.err().contains("HINT: chmod 600 " + pw), r.err());
    }

    @Test
    void unreadablePasswordFileIsRefused() throws IOException {
        Path config = write(base(dir.resolve("no-such-file")));
        assertUsageError(TestSetup.cli("--config", config.toString(), "run"), "source.password-file");
    }

    @Test
    void missingConfigFileSaysHowToMakeOne() {
        Result r = TestSetup.cli("--config", dir.resolve("nope.yml").toString(), "list");
        assertUsageError(r, "nope.yml");
        assertTrue(r.err().contains("backup init"), r.err());
    }

    @Test
    void invalidYamlSaysWhere() throws IOException {
        Path config = write("instance: db1\nsource:\n\thost: x\n");
        assertUsageError(TestSetup.cli("--config", config.toString(), "list"), "line");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result r = TestSetup.cli("list", "--colour");
        assertUsageError(r, "--colour");
        assertEquals("HINT: see 'backup list --help'", r.err().strip().split("\n")[1]);
    }

    @Test
    void sampleConfigIsValid() {
        BackupConfig c = ConfigLoader.load(Path.of("config/backup.yml"));
        assertEquals("db1", c.instance());
        assertTrue(c.engine().logCopyInterval().compareTo(Duration.ofSeconds(1)) < 0);
        assertEquals(3, c.locks().maxKills());
    }
}
