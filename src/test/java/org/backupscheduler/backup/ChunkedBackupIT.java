package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.EngineLocator;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.storage.ChunkCodec;
import org.backupscheduler.storage.ChunkedReader;
import org.backupscheduler.storage.ChunkedWriter;
import org.backupscheduler.storage.Retries;
import org.backupscheduler.storage.S3Storage;
import org.backupscheduler.storage.StoredObject;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real mariabackup streaming into S3Proxy as chunk objects (format 3), no data on local disk,
 * the manifest last; the chunks read back and extracted with mbstream give every file the stream
 * declared. A failing engine leaves no object behind.
 */
class ChunkedBackupIT {
    private static final int CHUNK = 4 << 20;
    @TempDir
    static Path tmp;
    static SandboxServer server;
    static S3ProxyServer s3proxy;
    static S3Storage s3;
    static EngineTool tool;

    @BeforeAll
    static void start() throws Exception {
        server = SandboxServer.start(SandboxOptions.primary("chk"));
        Workload.load(server, 5_000);
        s3proxy = S3ProxyServer.start(tmp.resolve("s3"), "bucket");
        s3 = new S3Storage(new S3Storage.Target(s3proxy.endpoint(), "us-east-1", true, "bucket", "repo"),
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        tool = EngineLocator.fromEnvironment().locate(null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (s3proxy != null) {
            s3proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theStreamGoesToChunkObjectsAndComesBackWhole() throws Exception {
        Path work = tmp.resolve("work1");
        ChunkedBackup run;
        ProcessResult result;
        try (CredentialsFile credentials = CredentialsFile.write(server.rootEndpoint(), tool.flavor())) {
            run = backup(credentials, work, "db1/B1");
            result = run.run();
        }
        assertTrue(result.succeeded(), result::describe);

        // Only chunk objects in the store so far; the manifest comes last.
        List<String> stored = s3.list("db1/B1/").stream().map(StoredObject::key).toList();
        assertEquals(run.chunks().stream().map(c -> c.key()).toList(), stored);
        assertTrue(run.chunks().size() > 1, "several chunks: " + run.chunks().size());
        assertTrue(run.chunks().stream().limit(run.chunks().size() - 1).allMatch(c -> c.size() == CHUNK));
        // No backup data on local disk: the engine's temp folder is empty, lsndir holds its metadata only.
        try (var left = Files.list(work.resolve("target"))) {
            assertEquals(List.of(), left.toList());
        }
        try (var meta = Files.walk(work.resolve("lsn"))) {
            long bytes = meta.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            assertTrue(bytes < 64 << 10, "lsndir holds " + bytes + " bytes");
        }

        Manifest manifest = Manifest.builder().instance("db1").id("B1").type("full")
                .files(FileChecksums.ALGORITHM, run.listing().files().entrySet().stream()
                        .map(e -> new Manifest.FileEntry(e.getKey(), e.getValue(), run.listing().checksums().get(e.getKey())))
                        .toList())
                .inventory(run.inventory()).extractedBytes(run.extractedBytes())
                .chunks(ChunkCodec.IDENTITY.name(), run.chunks().stream().map(Manifest.ChunkEntry::of).toList())
                .build();
        manifest.writeTo(s3, "db1/B1/manifest.json");
        Manifest back = Manifest.readFrom(s3, "db1/B1/manifest.json");
        assertEquals(Manifest.FORMAT_CHUNKED, back.format());
        assertEquals(run.chunks(), back.chunks().stream().map(Manifest.ChunkEntry::toChunk).toList());
        assertTrue(back.inventory().containsKey("shop"), back.inventory().toString());

        // Read back from the store (CRC32C per chunk), extract with the engine's own tool.
        Path extracted = tmp.resolve("extracted");
        Files.createDirectories(extracted);
        Process mbstream = new ProcessBuilder(tool.streamTool().toString(), "-x", "-C", extracted.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("mbstream.log").toFile()).start();
        try (InputStream in = new ChunkedReader(s3, back.chunks().stream().map(Manifest.ChunkEntry::toChunk).toList(),
                ChunkCodec.IDENTITY, Retries.DEFAULT, 4); OutputStream out = mbstream.getOutputStream()) {
            in.transferTo(out);
        }
        assertTrue(mbstream.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, mbstream.exitValue(), Files.readString(tmp.resolve("mbstream.log")));
        for (Map.Entry<String, Long> f : run.listing().files().entrySet()) {
            Path file = extracted.resolve(f.getKey());
            assertTrue(Files.isRegularFile(file), f.getKey());
            assertEquals((long) f.getValue(), Files.size(file), f.getKey());
        }
        // Summed once as the stream passed, equal to the sums of the extracted files.
        assertEquals(run.listing().files().keySet(), run.listing().checksums().keySet());
        for (Manifest.FileEntry f : back.files()) {
            assertEquals(FileChecksums.crc32c(extracted.resolve(f.path())), f.checksum(), f.path());
        }
        assertTrue(Files.isRegularFile(extracted.resolve("ibdata1")));
    }

    @Test
    void aFailingEngineLeavesNoObject() throws Exception {
        Endpoint root = server.rootEndpoint();
        Endpoint wrong = new Endpoint(root.host(), root.port(), root.socket(), root.user(), "not-the-password");
        ProcessResult result;
        try (CredentialsFile credentials = CredentialsFile.write(wrong, tool.flavor())) {
            result = backup(credentials, tmp.resolve("work2"), "db1/B2").run();
        }
        assertFalse(result.succeeded(), result::describe);
        assertEquals(List.of(), s3.list("db1/B2/"));
    }

    private static ChunkedBackup backup(CredentialsFile credentials, Path work, String prefix) throws IOException {
        Files.createDirectories(work);
        Path log = work.resolve("backup.log");
        Files.createFile(log);
        BackupRequest request = BackupRequest.full(work.resolve("target"), server.datadir(), 2);
        ChunkedWriter writer = new ChunkedWriter(s3, prefix, new ChunkedWriter.Options(CHUNK, 4, Retries.DEFAULT),
                ChunkCodec.IDENTITY);
        ChunkedBackup run = ChunkedBackup.of(tool, request, credentials, work.resolve("lsn"), log, Duration.ofMinutes(5),
                writer);
        assertNotNull(run);
        return run;
    }
}
