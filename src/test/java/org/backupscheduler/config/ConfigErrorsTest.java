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
        "bad full schedule | schedule:\\n  full: every hour | bad value 'every hour' for schedule.full",
        "bad incremental | schedule:\\n  incremental: '61 * * * *' | schedule.incremental",
        "bad time zone | schedule:\\n  time-zone: Mars/Olympus | bad value 'Mars/Olympus' for schedule.time-zone",
        "zero max-kills | locks:\\n  max-kills: 0 | locks.max-kills",
    })
    void badValueNamesTheKey(String name, String extra, String key) throws IOException {
        Path config = write(base(goodPasswordFile()) + extra.replace("\\n", "\n") + "\n");
        assertUsageError(TestSetup.cli("--config", config.toString(), "run"), key);
    }

    /**
     * What only some commands used to read (the drill's schedule in the daemon, a replica's
     * password in restore) is refused by every command, before it does anything.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "drill schedule | verify:\\n  deep: 'at noon' | bad value 'at noon' for verify.deep",
        "verification level | verify:\\n  after-backup: [structure, cheksum] | bad value 'cheksum' for verify.after-backup",
        "metrics address | metrics:\\n  listen: localhost | bad value 'localhost' for metrics.listen",
        "metrics port | metrics:\\n  listen: '127.0.0.1:99999' | metrics.listen",
        "replica port | REPLICA  port: 70000 | bad value '70000' for replicas.r1.port",
        "relative replica datadir | REPLICA  datadir: var/lib/mysql | bad value 'var/lib/mysql' for replicas.r1.datadir",
        "replica option file | REPLICA  defaults-file: MISSING | replicas.r1.defaults-file",
        "replica password file | REPLICA  password-file: MISSING | replicas.r1.password-file",
        "replica password variable | REPLICA  password-env: BS_TEST_UNSET_PASSWORD | replicas.r1.password-env names BS_TEST_UNSET_PASSWORD",
        "primary without host | REPLICA  primary: {user: repl} | replicas.r1.primary.host",
        "primary password file | REPLICA  primary: {host: 10.0.0.1, user: repl, password-file: MISSING} | replicas.r1.primary.password-file",
        "catalog password file | catalog:\\n  password-file: MISSING | catalog.password-file",
        "file and variable | SOURCE  password-env: HOME | source.password-file and source.password-env are both set",
        "ssh without user | SOURCE  ssh: {host: db1, identity-file: /k, known-hosts: /h} | source.ssh.user",
        "ssh port | SOURCE  ssh: {host: db1, port: 0, user: b, identity-file: /k, known-hosts: /h} | bad value '0' for source.ssh.port",
        "ssh relative key | SOURCE  ssh: {host: db1, user: b, identity-file: id_ed25519, known-hosts: /h} | bad value 'id_ed25519' for source.ssh.identity-file",
        "ssh key missing | SOURCE  ssh: {host: db1, user: b, identity-file: MISSING, known-hosts: /h} | source.ssh.identity-file",
        "ssh known-hosts missing | SOURCE  ssh: {host: db1, user: b, identity-file: PW, known-hosts: MISSING} | source.ssh.known-hosts",
    })
    void everyValueIsCheckedByEveryCommand(String name, String extra, String mustMention) throws IOException {
        // SOURCE: more keys of source:, REPLICA: a replica r1 with this key, else a section of its own
        String yaml = extra.replace("\\n", "\n").replace("MISSING", dir.resolve("missing.password").toString());
        String base = base(goodPasswordFile());
        yaml = yaml.replace("PW", dir.resolve("pw").toString()); // a file that exists, 0600
        if (yaml.startsWith("SOURCE")) {
            base = base + yaml.substring("SOURCE".length()) + "\n";
        } else if (yaml.startsWith("REPLICA")) {
            base = base + "replicas:\n  r1:\n    host: 10.0.0.2\n    user: backup\n  "
                    + yaml.substring("REPLICA".length()) + "\n";
        } else {
            base = base + yaml + "\n";
        }
        Path config = write(base);
        for (String[] command : new String[][] {{"list"}, {"run"}, {"report"}, {"check"}, {"daemon"},
                {"show", "x"}, {"verify", "--latest"}, {"restore", "--latest", "--dry-run"}, {"expire"},
                {"locks", "watch", "--once"}, {"replica", "check"}, {"catalog", "rebuild"}}) {
            String[] argv = new String[command.length + 2];
            argv[0] = "--config";
            argv[1] = config.toString();
            System.arraycopy(command, 0, argv, 2, command.length);
            assertUsageError(TestSetup.cli(argv), mustMention);
        }
    }

    @Test
    void theLevelsOfTheConfigAreTheVerifiersLevels() {
        assertEquals(java.util.Arrays.stream(org.backupscheduler.verify.Level.values())
                .map(org.backupscheduler.verify.Level::word).toList(), ConfigChecks.LEVELS);
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
        BackupConfig c = ConfigLoader.parse(Path.of("config/backup.yml"));
        assertEquals("db1", c.instance());
        assertTrue(c.engine().logCopyInterval().compareTo(Duration.ofSeconds(1)) < 0);
        assertEquals(3, c.locks().maxKills());
    }

    @Test
    void theEngineCopiesItsRedoLogEvery10msUnlessTold() {
        // BACKUP STAGE BLOCK_COMMIT holds every commit until the log copy thread's next pass.
        assertEquals(Duration.ofMillis(10), new EngineConfig(null, null, null, null, null, null).logCopyInterval());
    }
}
