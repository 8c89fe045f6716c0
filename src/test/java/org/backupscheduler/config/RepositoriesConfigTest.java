package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code repositories:} (several copies of each backup): the primary first, each with its own retention. */
class RepositoriesConfigTest {
    private static final String TWO = String.join("\n", "repositories:",
            "  - name: local",
            "    url: /var/backups/mysql",
            "    retention: {hourly: 6, daily: 2, weekly: 0}",
            "  - name: remote",
            "    url: s3://backups/db1",
            "    s3: {endpoint: 'https://s3.example.net', access-key-file: /etc/bs/s3.access,"
                    + " secret-key-file: /etc/bs/s3.secret}");

    @TempDir
    Path dir;

    private BackupConfig load(String... yaml) throws IOException {
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n", "instance: db1", String.join("\n", yaml),
                "retention: {hourly: 24, daily: 7, weekly: 4}",
                "source: {host: 127.0.0.1, port: 3306, user: backup}", ""));
        return ConfigLoader.parse(file);
    }

    @Test
    void theFirstIsThePrimaryAndEachKeepsItsOwnRetention() throws IOException {
        BackupConfig c = load(TWO);
        assertEquals(List.of("local", "remote"), c.copies().stream().map(RepositoryConfig::name).toList());
        assertEquals("/var/backups/mysql", c.repository().url(), "backups are written to the first");
        assertEquals(Path.of("/var/backups/mysql/db1"), c.instanceDir());
        assertTrue(c.hasCopies());
        assertTrue(c.streamsToStore(), "chunk objects, which every repository can hold");
        assertEquals(6, c.copies().get(0).retentionOr(c.retention()).hourly());
        assertEquals(0, c.copies().get(0).retentionOr(c.retention()).weekly());
        assertEquals(24, c.copies().get(1).retentionOr(c.retention()).hourly(), "no retention of its own: the top-level one");
    }

    @Test
    void oneRepositoryAsBefore() throws IOException {
        BackupConfig c = load("repository: /var/backups/mysql");
        assertFalse(c.hasCopies());
        assertFalse(c.streamsToStore());
        assertEquals(List.of(c.repository()), c.copies());
    }

    @Test
    void bothKeysAreRefusedWithOneLineSayingWhichToKeep() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("repository: /var/backups/mysql", TWO));
        assertTrue(e.getMessage().startsWith("both repository and repositories are set in "), e.getMessage());
        assertTrue(e.hint().contains("keep one"), e.hint());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no name | repositories: [{url: /a}, {name: b, url: /b}] | missing repositories[0].name",
        "bad name | repositories: [{name: 'a b', url: /a}] | bad value 'a b' for repositories[0].name",
        "same name | repositories: [{name: a, url: /a}, {name: a, url: /b}] | two repositories are named 'a'",
        "same url | repositories: [{name: a, url: /a}, {name: b, url: /a}] | repositories b and another have the same url /a",
        "negative | repositories: [{name: a, url: /a, retention: {daily: -1}}] | retention counts must not be negative in repository a",
        "name on repository | repository: {name: a, url: /a} | repository.name is set",
        "retention on repository | repository: {url: /a, retention: {daily: 1}} | repository.retention is set",
        "bad url in an entry | repositories: [{name: a, url: 'ftp://x'}] | bad value 'ftp://x' for repository.url",
    })
    void mistakesAreNamed(String what, String yaml, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    }
}
