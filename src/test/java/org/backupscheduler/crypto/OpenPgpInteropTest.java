package org.backupscheduler.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.backupscheduler.UserError;
import org.backupscheduler.config.EncryptionConfig;
import org.backupscheduler.testing.TestKeys;
import org.backupscheduler.testing.TestKeys.Key;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our messages against Debian's gpg, with real keys made by gpg: what we write, a DBA with gpg
 * alone reads back; what gpg writes, we read. Recipients, keys and integrity as the issue asks.
 */
class OpenPgpInteropTest {
    private static final byte[] MARKER = "marker-7f3a-plaintext-never-stored".getBytes(StandardCharsets.US_ASCII);
    private static TestKeys keys;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeKeys() throws IOException {
        keys = TestKeys.shared();
    }

    static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        System.arraycopy(MARKER, 0, b, size / 2, MARKER.length);
        return b;
    }

    static Recipients to(Key... recipients) {
        return Recipients.load(List.of(recipients).stream().map(Key::publicKey).toList());
    }

    static Keyring keyring(Key key) {
        return Keyring.load(new EncryptionConfig(null, List.of(key.secretKey()), List.of(key.passphraseFile())));
    }

    static byte[] encrypt(Recipients to, byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = new Encryptor(to).encrypt(out)) {
            for (int off = 0; off < plain.length; off += 100_000) { // in pieces, as a stream arrives
                enc.write(plain, off, Math.min(100_000, plain.length - off));
            }
        }
        return out.toByteArray();
    }

    static byte[] decrypt(Keyring keyring, byte[] message) throws IOException {
        try (InputStream in = new Decryptor(keyring).decrypt(new ByteArrayInputStream(message))) {
            return in.readAllBytes();
        }
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void ourMessageIsOnePlainOpenPgpMessageThatGpgDecrypts() throws IOException {
        byte[] plain = data(3 * 1024 * 1024 + 17);
        byte[] message = encrypt(to(keys.alice), plain);
        assertFalse(contains(message, MARKER), "no plaintext in the ciphertext");
        Path stored = file("chunk.pgp", message);

        TestKeys.Gpg decrypted = TestKeys.check(keys.gpg(null, "--status-fd", "2", "--passphrase-file",
                keys.alice.passphraseFile().toString(), "--decrypt", stored.toString()));
        assertArrayEquals(plain, decrypted.out(), "gpg --decrypt gives back the plaintext");

        String packets = new String(keys.gpg(null, "--list-only", "--list-packets", stored.toString()).out(),
                StandardCharsets.UTF_8) + new String(TestKeys.check(keys.gpg(null, "--passphrase-file",
                keys.alice.passphraseFile().toString(), "--list-packets", stored.toString())).out(),
                StandardCharsets.UTF_8);
        assertTrue(packets.contains(":pubkey enc packet: version 3, algo 18, keyid "
                + to(keys.alice).all().get(0).encryptionKeyId()), packets);
        assertTrue(packets.contains("mdc_method: 2"), "integrity protected (SEIPD with MDC):\n" + packets);
        // DECRYPTION_INFO <mdc method> <cipher>: 2 = SHA-1 MDC, 9 = AES-256; GOODMDC: integrity checked.
        assertTrue(decrypted.err().contains("[GNUPG:] DECRYPTION_INFO 2 9 "), decrypted.err());
        assertTrue(decrypted.err().contains("[GNUPG:] GOODMDC"), decrypted.err());
        assertFalse(packets.contains(":compressed packet:"), "no compression inside:\n" + packets);
    }

    @Test
    void gpgMessagesDecryptWithUsCompressedOrNotArmoredOrNot() throws IOException {
        byte[] plain = data(1024 * 1024);
        Path in = file("plain", plain);
        for (List<String> options : List.of(List.<String>of(), List.of("--armor"), List.of("--compress-algo", "none"),
                List.of("--throw-keyids"))) {
            Path out = dir.resolve("from-gpg.pgp");
            Files.deleteIfExists(out);
            List<String> args = new java.util.ArrayList<>(options);
            args.addAll(List.of("--recipient", keys.bob.fingerprint(), "--output", out.toString(), "--encrypt",
                    in.toString()));
            TestKeys.check(keys.gpg(null, args.toArray(String[]::new)));
            assertArrayEquals(plain, decrypt(keyring(keys.bob), Files.readAllBytes(out)), "gpg " + options);
        }
    }

    @Test
    void everyRecipientDecryptsAlone() throws IOException {
        byte[] plain = data(200_000);
        Recipients both = to(keys.alice, keys.bob);
        assertEquals(List.of(keys.alice.fingerprint(), keys.bob.fingerprint()), both.fingerprints());
        byte[] message = encrypt(both, plain);
        assertArrayEquals(plain, decrypt(keyring(keys.alice), message));
        assertArrayEquals(plain, decrypt(keyring(keys.bob), message));
        Path stored = file("two.pgp", message);
        assertArrayEquals(plain, TestKeys.check(keys.gpg(null, "--passphrase-file",
                keys.bob.passphraseFile().toString(), "--decrypt", stored.toString())).out());
    }

    @Test
    void anEmptyStreamIsAMessageToo() throws IOException {
        byte[] message = encrypt(to(keys.alice), new byte[0]);
        assertArrayEquals(new byte[0], decrypt(keyring(keys.alice), message));
        assertArrayEquals(new byte[0], TestKeys.check(keys.gpg(null, "--passphrase-file",
                keys.alice.passphraseFile().toString(), "--decrypt", file("empty.pgp", message).toString())).out());
    }

    @Test
    void aKeyringWithoutTheRecipientsKeyNamesBothSides() throws IOException {
        Recipients alice = to(keys.alice);
        byte[] message = encrypt(alice, data(1000));
        NoSecretKeyError e = assertThrows(NoSecretKeyError.class, () -> decrypt(keyring(keys.bob), message));
        assertEquals(2, e.exitCode());
        assertEquals(List.of(alice.all().get(0).encryptionKeyId()), e.messageKeyIds());
        assertTrue(e.getMessage().startsWith("no secret key for this message: it is encrypted to key id "
                + alice.all().get(0).encryptionKeyId() + "; encryption.secret-key-file holds "
                + keys.bob.fingerprint() + " (Backup Test bob <bob@backup-scheduler.test>; key ids "), e.getMessage());
        assertTrue(e.hint().contains("gpg --list-secret-keys --keyid-format long"), e.hint());

        UserError told = e.forBackup("20261202-101500F", alice.fingerprints());
        assertEquals(2, told.exitCode());
        assertTrue(told.getMessage().startsWith("backup 20261202-101500F is encrypted to " + keys.alice.fingerprint()
                + " (key id " + alice.all().get(0).encryptionKeyId() + "), but no secret key for it is in "
                + "encryption.secret-key-file, which holds " + keys.bob.fingerprint() + " ("), told.getMessage());
        assertEquals("add the secret key of " + keys.alice.fingerprint() + " to encryption.secret-key-file "
                + "(it may list several files)", told.hint());
    }

    @Test
    void aFlippedByteInTheSessionKeyPacketNeverYieldsPlaintext() throws IOException {
        Recipients alice = to(keys.alice);
        byte[] message = encrypt(alice, data(50_000));
        Keyring keyring = keyring(keys.alice);
        // Packet header (2), version (1), key id (8), algorithm (1), then the ECDH ephemeral point.
        byte[] keyId = message.clone();
        keyId[5] ^= 0x01;
        assertThrows(NoSecretKeyError.class, () -> decrypt(keyring, keyId), "an altered key id names another key");
        byte[] point = message.clone();
        point[20] ^= 0x01;
        IntegrityException e = assertThrows(IntegrityException.class, () -> decrypt(keyring, point));
        assertTrue(e.getMessage().startsWith("the session key for key " + alice.all().get(0).encryptionKeyId()
                + " (" + keys.alice.fingerprint() + ") cannot be decrypted: the message is damaged"), e.getMessage());
    }

    @Test
    void aFlippedByteAnywhereInTheBodyFailsTheIntegrityCheckBeforeEndOfStream() throws IOException {
        byte[] plain = data(1024 * 1024);
        byte[] message = encrypt(to(keys.alice), plain);
        Keyring keyring = keyring(keys.alice);
        // Past the session key packet (a few hundred bytes): the middle, the last data bytes, the MDC.
        for (int position : new int[] {message.length / 2, message.length - 40, message.length - 5}) {
            byte[] tampered = message.clone();
            tampered[position] ^= 0x01;
            IntegrityException e = assertThrows(IntegrityException.class, () -> decrypt(keyring, tampered),
                    "byte " + position + " of " + message.length + " flipped");
            assertTrue(e.getMessage().contains("integrity check failed")
                    || e.getMessage().contains("damaged"), e.getMessage());
        }
        byte[] tampered = message.clone();
        tampered[message.length / 2] ^= 0x01;
        TestKeys.Gpg g = keys.gpg(null, "--status-fd", "2", "--passphrase-file",
                keys.alice.passphraseFile().toString(), "--decrypt", file("tampered.pgp", tampered).toString());
        assertEquals(2, g.exitCode(), "gpg refuses it too:\n" + g.err());
        assertTrue(g.err().contains("[GNUPG:] BADMDC") || g.err().contains("manipulated"), g.err());
        byte[] truncated = java.util.Arrays.copyOf(message, message.length - 100);
        assertThrows(IntegrityException.class, () -> decrypt(keyring, truncated), "truncated");
        assertThrows(IntegrityException.class, () -> decrypt(keyring, plain), "not a message at all");
    }

    @Test
    void theFinalEndOfStreamComesOnlyAfterTheCheck() throws IOException {
        byte[] plain = data(300_000);
        byte[] tampered = encrypt(to(keys.alice), plain);
        tampered[tampered.length / 2] ^= 0x40;
        try (InputStream in = new Decryptor(keyring(keys.alice)).decrypt(new ByteArrayInputStream(tampered))) {
            byte[] buffer = new byte[8192];
            long total = 0;
            IntegrityException e = null;
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    total += n;
                }
            } catch (IntegrityException failed) {
                e = failed;
            }
            assertTrue(e != null, "a reader never sees -1 on a tampered message (read " + total + " bytes)");
        }
    }

    @Test
    void aFailingSourceIsReportedAsItselfNotAsTampering() throws IOException {
        byte[] message = encrypt(to(keys.alice), data(500_000));
        IOException network = new IOException("connection reset by peer");
        InputStream failing = new InputStream() {
            private int left = 200_000;
            private final InputStream from = new ByteArrayInputStream(message);

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw network;
                }
                return from.read();
            }
        };
        IOException e = assertThrows(IOException.class, () -> {
            try (InputStream in = new Decryptor(keyring(keys.alice)).decrypt(failing)) {
                in.readAllBytes();
            }
        });
        assertTrue(e == network, "the source's own exception, got " + e);
    }
}
