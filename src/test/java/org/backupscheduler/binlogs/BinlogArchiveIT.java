package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.testing.TestKeys;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive against a real MariaDB sandbox and the real {@code mariadb-binlog}: files sealed
 * byte for byte as the server wrote them, the recovery point under a steady write load, a killed
 * tool restarted without losing a sealed file, and a gap made by purging while no archiver ran.
 */
class BinlogArchiveIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private SandboxServer server;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        server = SandboxServer.start(SandboxOptions.primary("bla"));
        TestSetup.createBackupUser(server);
        // Reading binlogs as a replica does needs REPLICATION SLAVE (docs/binlogs.md).
        server.execute("GRANT REPLICATION SLAVE ON *.* TO 'backup'@'127.0.0.1'",
                "CREATE DATABASE app", "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, at DATETIME(3))");
        config = TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                "binlogs:\n  archive: on\n  max-delay: 30s");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void write(int rows) throws Exception {
        for (int i = 0; i < rows; i++) {
            server.execute("INSERT INTO app.t (at) VALUES (NOW(3))");
        }
    }

    private List<String> serverLogs() throws Exception {
        List<String> logs = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(rs.getString(1));
            }
        }
        return logs;
    }

    private Path stored(String name) {
        return dir.resolve("repo").resolve(server.name()).resolve("binlogs").resolve(name);
    }

    private Map<?, ?> status() throws Exception {
        Result r = TestSetup.cli("--config", config.toString(), "binlogs", "status", "--json");
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
        return JSON.readValue(r.out(), Map.class);
    }

    private static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + timeout.toSeconds() + "s for " + what);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void pullOnceSealsEveryClosedFileByteForByteAndStoresTheOpenOnesPrefix() throws Exception {
        write(5);
        server.execute("FLUSH BINARY LOGS");
        write(5);
        server.execute("FLUSH BINARY LOGS");
        write(3);
        List<String> logs = serverLogs();

        Result pull = TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once");

        assertEquals(0, pull.exitCode(), pull.toString());
        String open = logs.get(logs.size() - 1);
        for (String closed : logs.subList(0, logs.size() - 1)) {
            assertArrayEquals(Files.readAllBytes(server.datadir().resolve(closed)), Files.readAllBytes(stored(closed)),
                    closed + " is stored as the server wrote it");
            assertTrue(Files.exists(stored(closed + ".json")), closed + " has its index entry beside it");
        }
        assertTrue(Files.exists(stored(open + ".partial")), pull.toString());
        assertFalse(Files.exists(stored(open)), "the open file is not sealed");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(stored(logs.get(0)))));

        Map<?, ?> s = status();
        assertEquals(logs.size(), s.get("files"), s.toString());
        assertEquals(logs.size() - 1, s.get("sealed_files"), s.toString());
        assertEquals(List.of(), s.get("gaps"));
        assertEquals(open, s.get("newest_file"));
        assertEquals(SqlGtid.of(server), s.get("newest_gtids"), "the newest archived GTID is the server's");

        // The catalog's index lost: catalog rebuild reads it back from the .json entries in the store.
        try (Catalog catalog = Catalog.open(ConfigLoader.load(config).catalogUrl(), null, null);
             Connection c = catalog.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM binlog_files");
        }
        Result rebuild = TestSetup.cli("--config", config.toString(), "catalog", "rebuild");
        assertEquals(0, rebuild.exitCode(), rebuild.toString());
        assertTrue(rebuild.out().contains((logs.size() - 1) + " archived binlog file(s) added"), rebuild.toString());
        Map<?, ?> rebuilt = status();
        assertEquals(logs.size() - 1, rebuilt.get("sealed_files"), rebuilt.toString());
        assertEquals(s.get("oldest_gtids"), rebuilt.get("oldest_gtids"));
        assertEquals(List.of(), rebuilt.get("gaps"));
    }

    @Test
    void streamingKeepsTheRecoveryPointWithinMaxDelayAndSealsARotatedFile() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                try {
                    write(1);
                    Thread.sleep(1000);
                } catch (Exception e) {
                    return;
                }
            }
        });
        writer.start();
        BackupConfig c = ConfigLoader.load(config);
        Endpoint source = new Endpoint("127.0.0.1", server.port(), null, TestSetup.BACKUP_USER,
                TestSetup.BACKUP_PASSWORD);
        try (Catalog catalog = Catalog.open(c.catalogUrl(), null, null);
             Archive archive = Archive.of(c, source, catalog);
             Archiver archiver = Archiver.start(archive)) {
            List<Long> samples = new ArrayList<>();
            Instant until = Instant.now().plusSeconds(70);
            while (Instant.now().isBefore(until)) {
                Thread.sleep(5000);
                Map<?, ?> s = status();
                if (s.get("recovery_point_seconds") != null) {
                    samples.add(((Number) s.get("recovery_point_seconds")).longValue());
                }
            }
            // The first stored prefix comes at once; after that at least every max-delay (30 s).
            System.out.println("recovery point samples (s), every 5 s, max-delay 30s: " + samples);
            assertFalse(samples.isEmpty());
            assertTrue(samples.stream().allMatch(rp -> rp <= 35), "recovery point samples (s): " + samples);

            String before = serverLogs().get(serverLogs().size() - 1);
            server.execute("FLUSH BINARY LOGS");
            await(before + " sealed", Duration.ofSeconds(15), () -> Files.exists(stored(before + ".json")));
            assertArrayEquals(Files.readAllBytes(server.datadir().resolve(before)), Files.readAllBytes(stored(before)));
            assertFalse(Files.exists(stored(before + ".partial")), "the prefix goes once the file is sealed");
            BinlogFileRecord row = catalog.binlogFiles().list(c.instance()).stream()
                    .filter(r -> r.fileName().equals(before)).findFirst().orElseThrow();
            assertTrue(row.sealed());
            assertEquals(1L, row.serverId());
            assertEquals(BinlogScan.read(server.datadir().resolve(before)).checksum(), row.checksum());
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    @Test
    void withEncryptionTheStoreHoldsNoPlaintextRowAndReadsBackTheServersBytes() throws Exception {
        TestKeys keys = TestKeys.shared();
        Files.writeString(config, Files.readString(config) + "\nencryption:\n  recipients: [" + keys.alice.publicKey()
                + "]\n  secret-key-file: " + keys.alice.secretKey() + "\n  passphrase-file: "
                + keys.alice.passphraseFile() + "\n");
        server.execute("CREATE TABLE app.secrets (v VARCHAR(64))",
                "INSERT INTO app.secrets VALUES ('plaintext-row-marker-4711')", "FLUSH BINARY LOGS");
        server.execute("INSERT INTO app.secrets VALUES ('plaintext-row-marker-4711')");
        List<String> logs = serverLogs();

        Result pull = TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once");

        assertEquals(0, pull.exitCode(), pull.toString());
        byte[] marker = "plaintext-row-marker-4711".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var files = Files.list(stored("x").getParent())) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertTrue(name.endsWith(".pgp") || name.endsWith(".json"), "stored as " + name);
                assertEquals(-1, indexOf(Files.readAllBytes(f), marker), name + " holds a row in plaintext");
            }
        }
        String closed = logs.get(0);
        assertTrue(Files.exists(stored(closed + ".pgp")));
        assertTrue(Files.exists(stored(logs.get(logs.size() - 1) + ".partial.pgp")));
        try (BinlogStore store = BinlogStore.open(ConfigLoader.load(config)); var in = store.open(closed)) {
            assertArrayEquals(Files.readAllBytes(server.datadir().resolve(closed)), in.readAllBytes(),
                    "decrypted, the archived file is the server's");
        }
        assertEquals(List.of(), status().get("gaps"));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void expireRemovesTheArchivedFilesNoKeptBackupNeedsAndKeepsEveryFileFromTheOldestKeptBackupOn()
            throws Exception {
        // One hourly bucket and one VERIFIED backup kept: the second backup expires the first.
        Files.writeString(config, Files.readString(config)
                + "retention:\n  hourly: 1\n  daily: 0\n  weekly: 0\n  min-verified: 1\n");
        write(3);
        server.execute("FLUSH BINARY LOGS");
        write(3);
        server.execute("FLUSH BINARY LOGS");
        Result first = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, first.exitCode(), first.toString());
        write(3);
        server.execute("FLUSH BINARY LOGS");
        write(3);
        server.execute("FLUSH BINARY LOGS");
        List<String> logs = serverLogs();
        String keptFrom = logs.get(logs.size() - 1); // the second backup's binlog file: no write comes between
        Result second = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, second.exitCode(), second.toString());
        // Events after the kept backup: the window runs from it to them. Binlog event times are whole
        // seconds, so the events are written from the second after the backup's end on.
        Instant next = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), next).toMillis() + 50));
        write(2);
        Result pull = TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once");
        assertEquals(0, pull.exitCode(), pull.toString());
        List<String> older = logs.subList(0, logs.size() - 1);
        older.forEach(f -> assertTrue(Files.exists(stored(f)), f + " archived"));

        Result dry = TestSetup.cli("--config", config.toString(), "expire", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        for (String f : older) {
            assertTrue(dry.out().contains("would remove archived binlog " + f + ":"), dry.toString());
            assertTrue(Files.exists(stored(f)), "a dry run removes nothing: " + f);
        }
        assertFalse(dry.out().contains("archived binlog " + keptFrom), dry.toString());

        Result expire = TestSetup.cli("--config", config.toString(), "expire");
        assertEquals(0, expire.exitCode(), expire.toString());
        for (String f : older) {
            assertFalse(Files.exists(stored(f)), f + " removed: " + expire);
            assertFalse(Files.exists(stored(f + ".json")), f + "'s index entry removed");
        }
        assertTrue(Files.exists(stored(keptFrom + ".partial")) || Files.exists(stored(keptFrom)),
                "the file the kept backup rolls forward from stays");
        Map<?, ?> s = status();
        assertEquals(keptFrom, s.get("oldest_file"), s.toString());
        assertEquals(List.of(), s.get("gaps"), "removing the oldest files leaves no gap");
        assertTrue(s.get("recoverable_window") != null, "the kept backup can still roll forward: " + s);
    }

    @Test
    void pollModeFlushesEveryIntervalAndSealsTheClosedFiles() throws Exception {
        Files.writeString(config, Files.readString(config).replace("  max-delay: 30s", "  mode: poll\n  interval: 2s"));
        BackupConfig c = ConfigLoader.load(config);
        Endpoint source = new Endpoint("127.0.0.1", server.port(), null, TestSetup.BACKUP_USER,
                TestSetup.BACKUP_PASSWORD);
        String firstLog = serverLogs().get(0);
        try (Catalog catalog = Catalog.open(c.catalogUrl(), null, null);
             Archive archive = Archive.of(c, source, catalog);
             Archiver archiver = Archiver.start(archive)) {
            write(3);
            // No FLUSH from the test: the archiver's own, every 2 s, closes the files it copies.
            await("three files sealed", Duration.ofSeconds(30), () -> catalog.binlogFiles().list(c.instance())
                    .stream().filter(BinlogFileRecord::sealed).count() >= 3);
        }
        List<String> logs = serverLogs();
        assertTrue(logs.size() >= 4 && logs.get(0).equals(firstLog), logs.toString());
        assertArrayEquals(Files.readAllBytes(server.datadir().resolve(firstLog)), Files.readAllBytes(stored(firstLog)));
        assertEquals(List.of(), status().get("gaps"));
    }

    @Test
    void aToolKilledMidFileIsStartedAgainAndNoSealedFileIsLost() throws Exception {
        BackupConfig c = ConfigLoader.load(config);
        Endpoint source = new Endpoint("127.0.0.1", server.port(), null, TestSetup.BACKUP_USER,
                TestSetup.BACKUP_PASSWORD);
        try (Catalog catalog = Catalog.open(c.catalogUrl(), null, null);
             Archive archive = Archive.of(c, source, catalog);
             Archiver archiver = Archiver.start(archive)) {
            write(3);
            server.execute("FLUSH BINARY LOGS");
            write(3);
            String first = serverLogs().get(0);
            await("the first file sealed", Duration.ofSeconds(15), () -> Files.exists(stored(first + ".json")));
            long pid = archiver.toolPid();
            assertNotEquals(-1, pid);

            // SIGKILL in the middle of the open file: no final pass, a half-written staged file.
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
            await("the tool started again", Duration.ofSeconds(20), () -> archiver.starts() >= 2
                    && archiver.toolPid() != -1 && archiver.toolPid() != pid);
            write(3);
            server.execute("FLUSH BINARY LOGS");
            write(1);
            List<String> logs = serverLogs();
            String second = logs.get(logs.size() - 2);
            await(second + " sealed after the restart", Duration.ofSeconds(20),
                    () -> Files.exists(stored(second + ".json")));
            for (String closed : logs.subList(0, logs.size() - 1)) {
                assertArrayEquals(Files.readAllBytes(server.datadir().resolve(closed)),
                        Files.readAllBytes(stored(closed)), closed);
            }
        }
        Map<?, ?> s = status();
        assertEquals(List.of(), s.get("gaps"), s.toString());
    }

    @Test
    void binlogsPurgedWhileNoArchiverRanAreAGapThatStatusNamesWithExit3() throws Exception {
        write(2);
        assertEquals(0, TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once").exitCode());
        List<String> archived = serverLogs();
        // The archiver is not running: the server moves on and purges.
        write(2);
        server.execute("FLUSH BINARY LOGS");
        write(2);
        server.execute("FLUSH BINARY LOGS");
        String purgeTo = serverLogs().get(serverLogs().size() - 1);
        // The server keeps a file until its binlog checkpoint is written (after FLUSH, in the background).
        await("the purge", Duration.ofSeconds(20), () -> {
            try {
                server.execute("PURGE BINARY LOGS TO '" + purgeTo + "'");
                return serverLogs().get(0).equals(purgeTo);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        write(1);
        server.execute("FLUSH BINARY LOGS");

        assertEquals(0, TestSetup.cli("--config", config.toString(), "binlogs", "pull", "--once").exitCode());
        Result r = TestSetup.cli("--config", config.toString(), "binlogs", "status");

        assertEquals(3, r.exitCode(), r.toString());
        String lost = Gap.next(archived.get(archived.size() - 1));
        assertTrue(r.out().contains("GAP between " + archived.get(archived.size() - 1) + " and " + purgeTo + ": "
                + lost + " never archived; missing GTIDs after "), r.toString());
    }
}
