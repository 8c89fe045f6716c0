package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.storage.LocalStorage;
import org.backupscheduler.storage.S3Storage;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.StoredObject;
import org.backupscheduler.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a backup from a store (S3Proxy here) deletes that backup's objects and nothing beside them. */
class OwnedFoldersStorageIT {
    @TempDir
    static Path tmp;
    static S3ProxyServer server;
    static S3Storage s3;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(tmp.resolve("s3"), "bucket");
        s3 = new S3Storage(new S3Storage.Target(server.endpoint(), "us-east-1", true, "bucket", "repo"),
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deletesExactlyTheObjectsOfTheRowsId() throws IOException {
        for (String k : List.of("db1/b1/manifest.json", "db1/b1/chunks/00000000", "db1/b1/chunks/00000001",
                "db1/b10/manifest.json", "db1/b1x", "db2/b1/manifest.json")) {
            put(s3, k);
        }
        assertEquals(3, OwnedFolders.deleteBackup(s3, "db1", "b1"));
        assertEquals(List.of("db1/b10/manifest.json", "db1/b1x"), keys(s3.list("db1/")));
        assertEquals(List.of("db2/b1/manifest.json"), keys(s3.list("db2/")));
        assertEquals(0, OwnedFolders.deleteBackup(s3, "db1", "b1"), "gone already: nothing");
    }

    @Test
    void aRunThatLeftOnlyChunksIsOursToo() throws IOException {
        put(s3, "db3/r1/chunks/00000000");
        assertEquals(1, OwnedFolders.deleteBackup(s3, "db3", "r1"));
        assertEquals(List.of(), keys(s3.list("db3/")));
    }

    @Test
    void refusesObjectsWithoutOurMarks() throws IOException {
        put(s3, "db4/b1/something-else");
        OwnedFolders.Refused e = assertThrows(OwnedFolders.Refused.class, () -> OwnedFolders.deleteBackup(s3, "db4", "b1"));
        assertTrue(e.getMessage().contains("carries none of our marks"), e.getMessage());
        assertEquals(List.of("db4/b1/something-else"), keys(s3.list("db4/")));
    }

    @Test
    void refusesIdsAndInstancesThatAreNoPlainName() {
        for (String[] bad : new String[][] {{"db1", ""}, {"db1", ".."}, {"db1", "b1/../b2"}, {"..", "b1"}, {"", "b1"}}) {
            assertThrows(OwnedFolders.Refused.class, () -> OwnedFolders.deleteBackup(s3, bad[0], bad[1]), String.join(",", bad));
        }
    }

    /** Retention of a backup whose local manifest is damaged: its objects in the store still go. */
    @Test
    void aDamagedLocalManifestStillTakesTheObjectsInTheConfiguredStore() throws IOException {
        Path[] keyFiles = server.keyFiles(Files.createDirectories(tmp.resolve("keys")), S3ProxyServer.SECRET_KEY);
        Path config = tmp.resolve("keys/backup.yml");
        Files.writeString(config, String.join("\n", "instance: db5", "state-dir: " + tmp.resolve("state"),
                "repository:", "  url: s3://bucket/repo",
                "  s3: {endpoint: '" + server.endpoint() + "', access-key-file: " + keyFiles[0]
                        + ", secret-key-file: " + keyFiles[1] + "}",
                "source: {host: 127.0.0.1, port: 3306, user: backup}", ""));
        RepositoryStores.configure(ConfigLoader.load(config));
        put(s3, "db5/b1/manifest.json");
        put(s3, "db5/b1/chunks/00000000");
        put(s3, "db5/b2/manifest.json");
        Path folder = Files.createDirectories(tmp.resolve("state/db5/b1"));
        Files.writeString(folder.resolve("manifest.json"), "{ damaged");
        assertTrue(OwnedFolders.deleteBackup(tmp.resolve("state/db5"), "b1"));
        assertTrue(!Files.exists(folder));
        assertEquals(List.of("db5/b2/manifest.json"), keys(s3.list("db5/")));
    }

    @Test
    void aLocalStoreGoesThroughTheFolderGuard() throws IOException {
        LocalStorage local = new LocalStorage(tmp.resolve("local"));
        put(local, "db1/b1/backup.log");
        put(local, "db1/b1/data/ibdata1");
        put(local, "db1/b2/data/mysql/user.frm"); // no mark at all
        assertEquals(2, OwnedFolders.deleteBackup(local, "db1", "b1"));
        assertTrue(!Files.exists(tmp.resolve("local/db1/b1")));
        assertThrows(OwnedFolders.Refused.class, () -> OwnedFolders.deleteBackup(local, "db1", "b2"));
    }

    @Test
    void anArchivedBinlogGoesWithItsIndexEntryAndSealedFormAndNothingBeside() throws IOException {
        for (String k : List.of("db9/binlogs/bin.000007", "db9/binlogs/bin.000007.json", "db9/binlogs/bin.000007.pgp",
                "db9/binlogs/bin.0000070", "db9/binlogs/bin.000008.partial", "db9/binlogs/bin.000009")) {
            put(s3, k);
        }
        assertEquals(3, OwnedFolders.deleteArchivedBinlog(s3, "db9", "bin.000007"));
        assertEquals(List.of("db9/binlogs/bin.0000070", "db9/binlogs/bin.000008.partial", "db9/binlogs/bin.000009"),
                keys(s3.list("db9/")));
        assertEquals(0, OwnedFolders.deleteArchivedBinlog(s3, "db9", "bin.000007"), "gone already: nothing");
        // No index entry of ours beside it: not a file this tool archived.
        assertThrows(OwnedFolders.Refused.class, () -> OwnedFolders.deleteArchivedBinlog(s3, "db9", "bin.000009"));
        for (String bad : List.of("bin.000008.partial", "../db1/bin.000001", "bin", "b1/manifest.json")) {
            assertThrows(OwnedFolders.Refused.class, () -> OwnedFolders.deleteArchivedBinlog(s3, "db9", bad), bad);
        }
        assertEquals(3, s3.list("db9/").size());
    }

    private static void put(Storage s, String key) throws IOException {
        s.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3}));
    }

    private static List<String> keys(List<StoredObject> objects) {
        return objects.stream().map(StoredObject::key).toList();
    }
}
