package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code repository:} as a plain path (as before) or a section with a URL; each mistake named with its key. */
class RepositoryConfigTest {
    @TempDir
    Path dir;

    private BackupConfig load(String repositoryYaml) throws IOException {
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n", "instance: db1", repositoryYaml,
                "source: {host: 127.0.0.1, port: 3306, user: backup}", ""));
        return ConfigLoader.parse(file); // the shape: the key files named here do not exist
    }

    @Test
    void aPlainStringIsALocalFolderAsBefore() throws IOException {
        BackupConfig c = load("repository: /var/backups/mysql");
        assertEquals(Path.of("/var/backups/mysql"), c.repository().localPath());
        assertEquals(Path.of("/var/backups/mysql/db1"), c.instanceDir());
        assertEquals(64L << 20, c.repository().chunkSizeBytes());
        assertEquals(4, c.repository().uploadParallel());
    }

    @Test
    void anS3Section() throws IOException {
        BackupConfig c = load(String.join("\n", "repository:", "  url: s3://backups/db1/",
                "  s3: {endpoint: 'https://s3.example.net', path-style: false,",
                "       access-key-file: /etc/bs/s3.access, secret-key-file: /etc/bs/s3.secret}",
                "  chunk-size: 16MiB", "  upload-parallel: 8", "  scratch: /var/tmp"));
        RepositoryConfig r = c.repository();
        assertEquals(new RepositoryConfig.S3Bucket("backups", "db1"), r.location());
        assertEquals(URI.create("https://s3.example.net"), r.s3().endpoint());
        assertEquals("us-east-1", r.s3().region());
        assertEquals(false, r.s3().pathStyle());
        assertEquals(16L << 20, r.chunkSizeBytes());
        assertEquals(8, r.uploadParallel());
        assertEquals(Path.of("/var/tmp"), r.scratch());
        assertNull(r.localPath());
        // Backups stream into the store; their local folders (log, engine files) are under state-dir.
        assertTrue(c.streamsToStore());
        assertEquals(BackupConfig.DEFAULT_STATE_DIR.resolve(c.instance()), c.instanceDir());
    }

    @Test
    void anSftpSection() throws IOException {
        BackupConfig c = load(String.join("\n", "repository:", "  url: sftp://backup@store.example.net:2222/srv/backups",
                "  sftp: {identity-file: /etc/bs/id_ed25519, known-hosts: /etc/bs/known_hosts}"));
        assertEquals(new RepositoryConfig.SftpFolder("backup", "store.example.net", 2222, "/srv/backups"),
                c.repository().location());
        assertEquals(22, ((RepositoryConfig.SftpFolder) load(String.join("\n", "repository:",
                "  url: sftp://backup@store/srv", "  sftp: {identity-file: /k, known-hosts: /h}"))
                .repository().location()).port());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "relative path | repository: backups | bad value 'backups' for repository.url",
        "unknown scheme | repository: {url: 'ftp://x/y'} | not an absolute path nor an s3:// or sftp:// URL",
        "s3 without endpoint | repository: {url: 's3://b/p'} | repository.s3.endpoint is missing",
        "s3 without secret | repository: {url: 's3://b/p', s3: {endpoint: 'http://h', access-key-file: /a}} "
                + "| missing required key 'repository.s3.secret-key-file'",
        "sftp without user | repository: {url: 'sftp://host/p', sftp: {identity-file: /k, known-hosts: /h}} "
                + "| an sftp URL needs a user, a host and a folder",
        "sftp without section | repository: {url: 'sftp://u@host/p'} | repository.sftp is missing",
        "bad chunk size | repository: {url: /r, chunk-size: 64MB} | bad value '64MB' for repository.chunk-size",
        "tiny chunk size | repository: {url: /r, chunk-size: 4KiB} | must be from 1MiB to 1GiB",
        "zero parallel | repository: {url: /r, upload-parallel: 0} | repository.upload-parallel",
        "unknown key | repository: {url: /r, bucket: x} | unknown key 'repository.bucket'",
    })
    void mistakesAreNamed(String name, String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.hint() != null && !e.hint().isBlank());
    }
}
