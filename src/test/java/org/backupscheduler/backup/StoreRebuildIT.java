package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.TestKeys;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [2.2] "catalog rebuild from the store alone → the same list": two backups streamed into a real
 * S3-compatible store (S3Proxy), then the catalog AND every local folder under state-dir deleted;
 * {@code catalog rebuild} fetches each committed backup's small files back from the store, the
 * same ids come back with the same statuses, a store folder without manifest.json (a run that
 * died) is reported and not cataloged, and the rebuilt catalog verifies and restores.
 */
class StoreRebuildIT {
    private static final String BUCKET = "backups";
    private static final String DIED = "20000101-000000F";

    @TempDir
    Path dir;

    @Test
    void theCatalogAndTheLocalFoldersComeBackFromTheStoreAlone() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), BUCKET);
                ReplicationPair pair = ReplicationPair.start("srb")) {
            TestSetup.createBackupUser(pair.primary());
            Workload.load(pair.primary(), 2_000);
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            Path config = config(s3, pair);
            assertEquals(0, TestSetup.cli("--config", config.toString(), "run").exitCode());
            assertEquals(0, TestSetup.cli("--config", config.toString(), "run").exitCode());
            Map<String, String> before = statuses(TestSetup.backups(config));
            before.values().removeIf("EXPIRED"::equals); // retention's: no manifest left in the store
            assertTrue(before.size() >= 2 && before.values().stream().allMatch("VERIFIED"::equals), before.toString());
            String instance = (String) TestSetup.newest(config).get("instance");
            // A run that died: chunks in the store, no manifest.json.
            Path died = s3.objectFile(BUCKET, "site-a/" + instance + "/" + DIED + "/chunks/00000001");
            Files.createDirectories(died.getParent());
            Files.write(died, new byte[4096]);

            Path state = dir.resolve("state");
            forget(state, instance);

            Result rebuild = TestSetup.cli("--config", config.toString(), "catalog", "rebuild");

            assertEquals(0, rebuild.exitCode(), rebuild.toString());
            assertTrue(rebuild.out().contains(DIED) && rebuild.out().contains("no manifest.json"), rebuild.out());
            Map<String, String> after = statuses(TestSetup.backups(config));
            assertEquals(before, after, "the same ids with the same statuses; the died run is not a backup");
            for (String id : before.keySet()) {
                Path local = state.resolve(instance).resolve(id);
                assertTrue(Files.isRegularFile(local.resolve("manifest.json")), local.toString());
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(local)));
                assertFalse(Files.exists(local.resolve("chunks")), "the chunks stay in the store");
            }
            assertFalse(Files.exists(state.resolve(instance).resolve(DIED)));
            assertTrue(Files.isRegularFile(died), "nothing deleted in the store");

            Result again = TestSetup.cli("--config", config.toString(), "catalog", "rebuild");
            assertEquals(0, again.exitCode(), again.toString());
            assertTrue(again.out().contains("0 backup(s) added"), again.out());

            Result verify = TestSetup.cli("--config", config.toString(), "verify", "--latest");
            assertEquals(0, verify.exitCode(), verify.toString());
            pair.primary().execute("CREATE TABLE shop.after_rebuild (id INT PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO shop.after_rebuild VALUES (1)");
            Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
            assertEquals(0, restore.exitCode(), restore.toString());
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            assertEquals(1, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.after_rebuild"));
            assertEquals(SqlValues.count(pair.primary(), "SELECT COUNT(*) FROM shop.orders"),
                    SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.orders"));
        }
    }

    /**
     * An encrypted backup: rebuilt where only the public key is, it comes back from the cleartext
     * summary (and says so); rebuilt where the secret key is, its files are decrypted back and the
     * full manifest (file list, table names) is the local one.
     */
    @Test
    void anEncryptedBackupComesBackFromItsSummaryWithoutTheKeyAndWholeWithIt() throws Exception {
        TestKeys keys = TestKeys.shared();
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), BUCKET);
                ReplicationPair pair = ReplicationPair.start("srbe")) {
            TestSetup.createBackupUser(pair.primary());
            pair.primary().execute("CREATE DATABASE shop",
                    "CREATE TABLE shop.secrets (v VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO shop.secrets VALUES ('x')");
            Path publicOnly = config(s3, pair);
            Files.writeString(publicOnly, Files.readString(publicOnly)
                    + "encryption:\n  recipients: [" + keys.alice.publicKey() + "]\n");
            Path withKey = dir.resolve("verifier.yml");
            Files.writeString(withKey, Files.readString(publicOnly) + "  secret-key-file: " + keys.alice.secretKey()
                    + "\n  passphrase-file: " + keys.alice.passphraseFile() + "\n");
            assertEquals(0, TestSetup.cli("--config", publicOnly.toString(), "run").exitCode());
            Map<String, String> before = statuses(TestSetup.backups(publicOnly));
            String instance = (String) TestSetup.newest(publicOnly).get("instance");
            String id = (String) TestSetup.newest(publicOnly).get("id");
            Path state = dir.resolve("state");
            Path local = state.resolve(instance).resolve(id);

            forget(state, instance);
            Result rebuild = TestSetup.cli("--config", publicOnly.toString(), "catalog", "rebuild");

            assertEquals(0, rebuild.exitCode(), rebuild.toString());
            assertTrue(rebuild.out().contains("cleartext summary"), rebuild.out());
            assertEquals(before, statuses(TestSetup.backups(publicOnly)));
            assertFalse(Files.readString(local.resolve("manifest.json")).contains("secrets"), "only the summary");

            forget(state, instance);
            Result whole = TestSetup.cli("--config", withKey.toString(), "catalog", "rebuild");

            assertEquals(0, whole.exitCode(), whole.toString());
            assertFalse(whole.out().contains("cleartext summary"), whole.out());
            assertTrue(Files.readString(local.resolve("manifest.json")).contains("secrets"), "the full manifest");
            assertTrue(Files.readString(local.resolve("xtrabackup_checkpoints")).contains("backup_type"),
                    "the engine's files, decrypted");
            assertFalse(Files.exists(local.resolve("manifest.json.pgp")));
            assertEquals("VERIFIED", TestSetup.newest(withKey).get("status"), "verified again with the key");
        }
    }

    /** The catalog files and every local folder of the instance deleted: only the store is left. */
    private static void forget(Path state, String instance) throws Exception {
        try (var files = Files.list(state)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("catalog")).toList()) {
                Files.delete(f);
            }
        }
        deleteTree(state.resolve(instance));
    }

    private Path config(S3ProxyServer s3, ReplicationPair pair) throws Exception {
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        Path config = TestSetup.config(dir, pair.primary(),
                TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()));
        String yaml = Files.readString(config)
                .replace("repository: " + dir.resolve("repo"), "state-dir: " + dir.resolve("state") + "\n"
                        + "repository:\n"
                        + s3.repositoryYaml("  ", "s3://" + BUCKET + "/site-a", dir)
                        + "  chunk-size: 1MiB");
        Files.writeString(config, yaml);
        return config;
    }

    private static Map<String, String> statuses(List<Map<String, Object>> list) {
        Map<String, String> out = new TreeMap<>();
        list.forEach(b -> out.put((String) b.get("id"), (String) b.get("status")));
        return out;
    }

    private static void deleteTree(Path root) throws Exception {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
