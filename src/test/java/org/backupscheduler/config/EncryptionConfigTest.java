package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encryption:} as written in backup.yml: one path or a list per key, files present,
 * secret files 0600 (refused otherwise with exit 2 and the chmod), passphrase files pairing with
 * key files. The keys' content is KeyFilesTest's (crypto).
 */
class EncryptionConfigTest {
    @TempDir
    Path dir;

    private Path file(String name, String mode) throws IOException {
        Path f = Files.writeString(dir.resolve(name), "-----BEGIN PGP ...\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private Path config(String... encryption) throws IOException {
        Path pw = dir.resolve("pw");
        if (!Files.exists(pw)) {
            TestSetup.passwordFile(dir, "pw", "secret");
        }
        List<String> lines = new java.util.ArrayList<>(List.of("instance: db1", "repository: " + dir.resolve("repo"),
                "source:", "  host: 127.0.0.1", "  port: 1", "  user: backup", "  password-file: " + pw));
        lines.addAll(List.of(encryption));
        return Files.writeString(dir.resolve("backup.yml"), String.join("\n", lines) + "\n");
    }

    @Test
    void noSectionMeansNoEncryption() throws IOException {
        EncryptionConfig e = ConfigLoader.load(config()).encryption();
        assertFalse(e.enabled());
        assertFalse(e.canDecrypt());
    }

    @Test
    void onePathOrAListForEachKey() throws IOException {
        Path pub = file("key.pub.asc", "rw-r--r--");
        Path sec = file("key.sec.asc", "rw-------");
        Path old = file("old.sec.asc", "rw-------");
        Path pass = file("key.pass", "rw-------");
        EncryptionConfig e = ConfigLoader.load(config("encryption:", "  recipients: " + pub,
                "  secret-key-file: [" + sec + ", " + old + "]", "  passphrase-file: " + pass)).encryption();
        assertEquals(List.of(pub), e.recipients());
        assertEquals(List.of(sec, old), e.secretKeyFile());
        assertTrue(e.enabled() && e.canDecrypt());
        assertEquals(pass, e.passphraseFileFor(1), "one passphrase file serves every key file");
    }

    @Test
    void aSecretKeyFileOthersCanReadStopsTheCommand() throws IOException {
        Path pub = file("key.pub.asc", "rw-r--r--");
        Path sec = file("key.sec.asc", "rw-r--r--");
        Result r = TestSetup.cli("--config", config("encryption:", "  recipients: [" + pub + "]",
                "  secret-key-file: " + sec).toString(), "run");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("error: encryption.secret-key-file " + sec + " is readable by others (mode rw-r--r--)\n"
                + "HINT: chmod 600 " + sec, r.err().strip());
        assertFalse(Files.exists(dir.resolve("repo")), "a refused config must change nothing");
    }

    @Test
    void aPassphraseFileOthersCanReadIsRefused() throws IOException {
        Path sec = file("key.sec.asc", "rw-------");
        Path pass = file("key.pass", "rw-rw----");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config("encryption:",
                "  secret-key-file: " + sec, "  passphrase-file: " + pass)));
        assertEquals("encryption.passphrase-file " + pass + " is readable by others (mode rw-rw----)", e.getMessage());
        assertEquals("chmod 600 " + pass, e.hint());
    }

    @Test
    void aMissingRecipientFileIsNamed() throws IOException {
        Path config = config("encryption:", "  recipients: [" + dir.resolve("nope.asc") + "]");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config));
        assertEquals("encryption.recipients: " + dir.resolve("nope.asc") + " (in " + config
                + ") does not exist or is not a file", e.getMessage());
    }

    @Test
    void passphraseFilesPairWithKeyFiles() throws IOException {
        Path a = file("a.sec.asc", "rw-------");
        Path b = file("b.sec.asc", "rw-------");
        Path c = file("c.sec.asc", "rw-------");
        Path pa = file("a.pass", "rw-------");
        Path pb = file("b.pass", "rw-------");
        Path config = config("encryption:", "  secret-key-file: [" + a + ", " + b + ", " + c + "]",
                "  passphrase-file: [" + pa + ", " + pb + "]");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config));
        assertEquals("encryption.passphrase-file lists 2 files but encryption.secret-key-file lists 3, in " + config,
                e.getMessage());
        EncryptionConfig paired = new EncryptionConfig(null, List.of(a, b), List.of(pa, pb));
        assertEquals(pb, paired.passphraseFileFor(1));
    }
}
