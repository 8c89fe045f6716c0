package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.S3Pair;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.TestKeys;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest ([2.3]) end to end with real keys (made by gpg), a real store (S3Proxy)
 * and the real engine: the backup host holds only the public key and leaves the backup
 * COMPLETED; a verifier with the secret key makes it VERIFIED; nothing in the bucket reads as the
 * data; gpg alone decrypts a chunk; a flipped ciphertext byte makes it INVALID; a replica is
 * rebuilt from the encrypted backup.
 */
class EncryptedStoreIT {
    private static final String BUCKET = "sealed";
    private static final String SECRET_ROW = "SECRET-ROW-7f3a9c";
    @AutoClose
    private static S3Pair store;
    private static ReplicationPair pair;
    private static S3ProxyServer s3;
    private static TestKeys keys;
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        keys = TestKeys.shared();
        store = S3Pair.start(shared, BUCKET, "enc", primary -> primary.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.secrets (v VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO shop.secrets VALUES ('" + SECRET_ROW + "')"));
        pair = store.pair();
        s3 = store.s3();
    }

    private Path base;

    /**
     * Backing up into s3://sealed/fleet, uncompressed (the plaintext would show), encrypted to
     * alice: the backup host's config (public key only), or a verifier's beside it (the same
     * catalog and store, plus alice's secret key).
     */
    private Path config(boolean withSecretKey) throws IOException {
        if (base == null) {
            base = baseConfig();
        }
        if (!withSecretKey) {
            return base;
        }
        Path verifier = dir.resolve("verifier.yml");
        Files.writeString(verifier, Files.readString(base) + "  secret-key-file: " + keys.alice.secretKey()
                + "\n  passphrase-file: " + keys.alice.passphraseFile() + "\n");
        return verifier;
    }

    private Path baseConfig() throws IOException {
        boolean withSecretKey = false;
        String encryption = "encryption:\n  recipients: [" + keys.alice.publicKey() + "]\n"
                + (withSecretKey ? "  secret-key-file: " + keys.alice.secretKey() + "\n  passphrase-file: "
                + keys.alice.passphraseFile() + "\n" : "");
        return store.config(dir, "repository:\n"
                + s3.repositoryYaml("  ", "s3://" + BUCKET + "/fleet", dir)
                + "  chunk-size: 4MiB",
                yaml -> yaml.replace("  parallel: 2\n", "  parallel: 2\n  compress: none\n") + encryption);
    }

    private Path objects(Map<String, Object> b) {
        return s3.objectFile(BUCKET, "fleet/" + b.get("instance") + "/" + b.get("id"));
    }

    @Test
    void aPublicKeyHostLeavesItCompletedAVerifierMakesItVerifiedAndTheBucketRevealsNothing() throws Exception {
        Result run = TestSetup.cli("--config", config(false).toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> b = TestSetup.newest(config(false));
        assertEquals("COMPLETED", b.get("status"), "VERIFIED needs the secret key: " + b);

        Path objects = objects(b);
        List<Path> stored;
        try (var walk = Files.walk(objects)) {
            stored = walk.filter(Files::isRegularFile).toList();
        }
        byte[] needle = SECRET_ROW.getBytes(StandardCharsets.US_ASCII);
        for (Path f : stored) {
            assertFalse(contains(Files.readAllBytes(f), needle), f + " holds the row in the clear");
        }
        String summary = Files.readString(objects.resolve("manifest.json"));
        assertTrue(summary.contains(keys.alice.fingerprint()), "the cleartext manifest names the key: " + summary);
        assertFalse(summary.contains("secrets"), "and no table name: " + summary);
        assertTrue(Files.exists(objects.resolve("manifest.json.pgp")));

        // gpg alone (alice's keyring) decrypts a chunk into the engine's stream.
        TestKeys.Gpg plain = TestKeys.check(keys.gpg(objects.resolve("chunks/00000000"), "--batch", "--pinentry-mode",
                "loopback", "--passphrase-file", keys.alice.passphraseFile().toString(), "--decrypt"));
        assertTrue(new String(plain.out(), 0, 8, StandardCharsets.US_ASCII).equals("XBSTCK01"), "an mbstream");

        // The wrong secret key (bob's): exit 2 naming the backup's key and the keyring's, status unchanged.
        Path wrongKey = dir.resolve("wrong-key.yml");
        Files.writeString(wrongKey, Files.readString(base) + "  secret-key-file: " + keys.bob.secretKey()
                + "\n  passphrase-file: " + keys.bob.passphraseFile() + "\n");
        Result wrong = TestSetup.cli("--config", wrongKey.toString(), "verify", "--latest");
        assertEquals(2, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.err().contains(keys.bob.fingerprint()), "names the keyring's key: " + wrong.err());
        assertTrue(wrong.err().contains(keys.alice.fingerprint()), "and the backup's: " + wrong.err());
        assertEquals("COMPLETED", TestSetup.newest(config(false)).get("status"), "a wrong key is not a verdict");

        Result verify = TestSetup.cli("--config", config(true).toString(), "verify", "--latest");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertEquals("VERIFIED", TestSetup.newest(config(true)).get("status"));
    }

    @Test
    void aFlippedCiphertextByteIsInvalidAndAReplicaIsRebuiltFromAnIntactOne() throws Exception {
        Path config = config(true);
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("VERIFIED", TestSetup.newest(config).get("status"));

        pair.replica().execute("STOP SLAVE", "INSERT INTO shop.secrets VALUES ('replica-only')");
        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        assertEquals(0, restore.exitCode(), restore.toString());
        assertEquals(0, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.secrets WHERE v = 'replica-only'"));
        assertEquals(1, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.secrets WHERE v = '" + SECRET_ROW + "'"));
        assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
        pair.primary().execute("INSERT INTO shop.secrets VALUES ('after-restore')");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertEquals(SqlValues.count(pair.primary(), "SELECT COUNT(*) FROM shop.secrets"),
                SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.secrets"), "replicating, rows equal");

        Map<String, Object> b = TestSetup.newest(config);
        Path chunk = objects(b).resolve("chunks/00000000");
        TestSetup.flipMiddleByte(chunk);
        Result verify = TestSetup.cli("--config", config.toString(), "verify", "--latest");
        assertEquals(3, verify.exitCode(), verify.toString());
        Map<String, Object> after = TestSetup.newest(config);
        assertEquals("INVALID", after.get("status"));
        assertTrue(((String) after.get("reason")).contains("chunks/00000000"), (String) after.get("reason"));
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
