package org.backupscheduler.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.backupscheduler.config.ConfigException;
import org.backupscheduler.config.EncryptionConfig;
import org.backupscheduler.testing.TestKeys;
import org.backupscheduler.testing.TestKeys.Key;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys that cannot work are refused when loaded, with one line naming the key and its file
 * and a HINT: a recipient revoked, expired or without an encryption subkey; a secret key file
 * or passphrase file others can read; a wrong passphrase. All exit 2.
 */
class KeyFilesTest {
    private static TestKeys keys;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeKeys() throws IOException {
        keys = TestKeys.shared();
    }

    private static ConfigException refusedRecipient(Key key) {
        ConfigException e = assertThrows(ConfigException.class, () -> Recipients.load(List.of(key.publicKey())));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().startsWith("encryption.recipients: key " + key.fingerprint() + " (Backup Test "
                + key.name() + " <" + key.name() + "@backup-scheduler.test>) in " + key.publicKey() + " "),
                e.getMessage());
        return e;
    }

    private Path copy(Path file, String mode) throws IOException {
        Path copy = dir.resolve(file.getFileName());
        Files.copy(file, copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(mode));
        return copy;
    }

    @Test
    void aRevokedRecipientIsRefused() {
        ConfigException e = refusedRecipient(keys.revoked);
        assertTrue(e.getMessage().endsWith(" is revoked"), e.getMessage());
        assertTrue(e.hint().startsWith("remove it from encryption.recipients"), e.hint());
    }

    @Test
    void anExpiredRecipientIsRefused() {
        ConfigException e = refusedRecipient(keys.expired);
        assertTrue(e.getMessage().endsWith(" expired on 2020-01-02T00:00:00Z"), e.getMessage());
        assertTrue(e.hint().startsWith("extend it (gpg --quick-set-expire " + keys.expired.fingerprint()), e.hint());
    }

    @Test
    void aRecipientWithoutEncryptionSubkeyIsRefused() {
        ConfigException e = refusedRecipient(keys.signOnly);
        assertTrue(e.getMessage().endsWith(" has no valid encryption subkey (expired, revoked, or never made)"),
                e.getMessage());
        assertTrue(e.hint().startsWith("add one (gpg --quick-add-key " + keys.signOnly.fingerprint()), e.hint());
    }

    @Test
    void aSecretKeyAsRecipientIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Recipients.load(List.of(keys.alice.secretKey())));
        assertEquals("encryption.recipients: " + keys.alice.secretKey() + " holds a secret key; the backup host "
                + "needs the public key only", e.getMessage());
    }

    @Test
    void aSecretKeyFileOthersCanReadIsRefused() throws IOException {
        Path leaked = copy(keys.alice.secretKey(), "rw-r--r--");
        ConfigException e = assertThrows(ConfigException.class, () -> Keyring.load(new EncryptionConfig(null,
                List.of(leaked), List.of(keys.alice.passphraseFile()))));
        assertEquals("encryption.secret-key-file " + leaked + " is readable by others (mode rw-r--r--)",
                e.getMessage());
        assertEquals("chmod 600 " + leaked, e.hint());
    }

    @Test
    void aPassphraseFileOthersCanReadIsRefused() throws IOException {
        Path leaked = copy(keys.alice.passphraseFile(), "rw-r-----");
        ConfigException e = assertThrows(ConfigException.class, () -> Keyring.load(new EncryptionConfig(null,
                List.of(keys.alice.secretKey()), List.of(leaked))));
        assertEquals("encryption.passphrase-file " + leaked + " is readable by others (mode rw-r-----)",
                e.getMessage());
        assertEquals("chmod 600 " + leaked, e.hint());
    }

    @Test
    void aWrongPassphraseNamesTheKeyAndBothFiles() {
        ConfigException e = assertThrows(ConfigException.class, () -> Keyring.load(new EncryptionConfig(null,
                List.of(keys.alice.secretKey()), List.of(keys.bob.passphraseFile()))));
        assertEquals(2, e.exitCode());
        assertEquals("encryption.passphrase-file " + keys.bob.passphraseFile() + " does not unlock key "
                + keys.alice.fingerprint() + " (Backup Test alice <alice@backup-scheduler.test>) in "
                + keys.alice.secretKey() + ": wrong passphrase", e.getMessage());
    }

    @Test
    void aProtectedKeyWithoutPassphraseFileIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> Keyring.load(new EncryptionConfig(null,
                List.of(keys.alice.secretKey()), null)));
        assertEquals("encryption.secret-key-file " + keys.alice.secretKey() + ": key " + keys.alice.fingerprint()
                + " is protected by a passphrase but encryption.passphrase-file is not set", e.getMessage());
    }

    @Test
    void rotatedKeysEachWithTheirPassphraseAllDecrypt() throws IOException {
        Keyring both = Keyring.load(new EncryptionConfig(null, List.of(keys.alice.secretKey(), keys.bob.secretKey()),
                List.of(keys.alice.passphraseFile(), keys.bob.passphraseFile())));
        assertEquals(List.of(keys.alice.fingerprint(), keys.bob.fingerprint()), both.fingerprints());
        byte[] plain = OpenPgpInteropTest.data(10_000);
        for (Key k : List.of(keys.alice, keys.bob)) {
            byte[] message = OpenPgpInteropTest.encrypt(OpenPgpInteropTest.to(k), plain);
            assertArrayEquals(plain, OpenPgpInteropTest.decrypt(both, message), k.name());
        }
    }

    @Test
    void expiredAndRevokedKeysStillDecryptOldBackups() throws IOException {
        // What gpg encrypted to the key while it was valid (faked here with --faked-system-time).
        Path plain = Files.write(dir.resolve("plain"), OpenPgpInteropTest.data(5000));
        Path message = dir.resolve("old.pgp");
        TestKeys.check(keys.gpg(null, "--faked-system-time", "20200101T120000!", "--recipient",
                keys.expired.fingerprint(), "--output", message.toString(), "--encrypt", plain.toString()));
        Keyring keyring = Keyring.load(new EncryptionConfig(null, List.of(keys.expired.secretKey()),
                List.of(keys.expired.passphraseFile())));
        assertArrayEquals(Files.readAllBytes(plain), OpenPgpInteropTest.decrypt(keyring, Files.readAllBytes(message)));
    }
}
