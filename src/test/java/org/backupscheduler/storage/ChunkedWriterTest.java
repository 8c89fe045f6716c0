package org.backupscheduler.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ChunkedWriter and ChunkedReader over a real local store, with faults injected in front of it. */
class ChunkedWriterTest {
    private static final int CHUNK = 64 << 10;
    private static final Retries QUICK = new Retries(3, Duration.ofMillis(10));

    @TempDir
    Path dir;
    LocalStorage local;
    FaultyStorage store;

    @BeforeEach
    void open() {
        local = new LocalStorage(dir.resolve("repo"));
        store = new FaultyStorage(local);
    }

    @Test
    void cutsTheStreamIntoChunksAndReadsItBack() throws IOException {
        long size = CHUNK * 10L + 777;
        List<Chunk> chunks = write(size, 3);
        assertEquals(11, chunks.size());
        assertEquals(IntStream.range(0, 11).boxed().toList(), chunks.stream().map(Chunk::index).toList());
        assertEquals("inst/b1/chunks/00000000", chunks.get(0).key());
        assertEquals("inst/b1/chunks/00000010", chunks.get(10).key());
        assertEquals(777, chunks.get(10).size());
        assertEquals(chunks.stream().map(Chunk::key).toList(),
                local.list("inst/b1/").stream().map(StoredObject::key).toList());
        try (InputStream in = new ChunkedReader(store, chunks, ChunkCodec.IDENTITY, QUICK, 3)) {
            assertEquals(TestStreams.crc(TestStreams.pattern(size, 1)), TestStreams.crc(in));
        }
    }

    @Test
    void anEmptyStreamIsNoChunk() throws IOException {
        assertEquals(List.of(), write(0, 2));
        try (InputStream in = new ChunkedReader(store, List.of(), ChunkCodec.IDENTITY, QUICK, 2)) {
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aFailedChunkIsRetriedAlone() throws IOException {
        store.failNextPuts("inst/b1/chunks/00000003", 2);
        List<Chunk> chunks = write(CHUNK * 6L, 2);
        assertEquals(6, chunks.size());
        assertEquals(3, store.putAttempts("inst/b1/chunks/00000003"));
        assertEquals(1, store.putAttempts("inst/b1/chunks/00000002"));
        try (InputStream in = new ChunkedReader(store, chunks, ChunkCodec.IDENTITY, QUICK, 2)) {
            assertEquals(TestStreams.crc(TestStreams.pattern(CHUNK * 6L, 1)), TestStreams.crc(in));
        }
    }

    @Test
    void aChunkThatKeepsFailingFailsTheStreamAndAbortLeavesNothing() throws IOException {
        store.failNextPuts("inst/b1/chunks/00000002", 100);
        ChunkedWriter w = new ChunkedWriter(store, "inst/b1", new ChunkedWriter.Options(CHUNK, 2, QUICK),
                ChunkCodec.IDENTITY);
        IOException e = assertThrows(IOException.class, () -> {
            TestStreams.pattern(CHUNK * 8L, 1).transferTo(w);
            w.finish();
        });
        assertTrue(e.getMessage().contains("injected failure putting inst/b1/chunks/00000002"), e.getMessage());
        assertEquals(3, store.putAttempts("inst/b1/chunks/00000002"), "tried 3 times, then gave up");
        assertTrue(!local.list("inst/b1/").isEmpty(), "other chunks landed");
        w.abort();
        assertEquals(List.of(), local.list("inst/"));
    }

    @Test
    void refusedCredentialsAreNotRetried() throws IOException {
        store.refuseCredentials();
        ChunkedWriter w = new ChunkedWriter(store, "inst/b1", new ChunkedWriter.Options(CHUNK, 1,
                new Retries(5, Duration.ofSeconds(10))), ChunkCodec.IDENTITY);
        long start = System.nanoTime();
        assertThrows(StorageAccessException.class, () -> {
            TestStreams.pattern(100, 1).transferTo(w);
            w.finish();
        });
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "no back-off wait");
        assertEquals(1, store.putAttempts("inst/b1/chunks/00000000"));
    }

    @Test
    void memoryStaysAtParallelPlusOneChunks() throws IOException {
        store.slowPuts(30);
        ChunkedWriter w = new ChunkedWriter(store, "inst/b1", new ChunkedWriter.Options(CHUNK, 2, QUICK),
                ChunkCodec.IDENTITY);
        TestStreams.pattern(CHUNK * 20L, 1).transferTo(w);
        assertEquals(20, w.finish().size());
        assertEquals(3, w.peakBuffers(), "writes waited for a free buffer: never more than parallel + 1");
    }

    @Test
    void aFlippedByteIsFoundAndNamed() throws IOException {
        List<Chunk> chunks = write(CHUNK * 3L, 2);
        Path file = local.file("inst/b1/chunks/00000001");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(100);
            int b = f.read();
            f.seek(100);
            f.write(b ^ 0x01);
        }
        ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> readAll(chunks));
        assertEquals("inst/b1/chunks/00000001", e.key());
        assertTrue(e.getMessage().matches("chunk inst/b1/chunks/00000001: CRC32C 0x[0-9a-f]{8} != recorded "
                + Chunk.hex(chunks.get(1).crc32c())), e.getMessage());
    }

    @Test
    void aTruncatedOrMissingChunkIsNamed() throws IOException {
        List<Chunk> chunks = write(CHUNK * 3L, 2);
        Path file = local.file("inst/b1/chunks/00000002");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1000);
        }
        ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> readAll(chunks));
        assertEquals("chunk inst/b1/chunks/00000002 is 1000 bytes, not the 65536 bytes recorded", e.getMessage());
        Files.delete(file);
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> readAll(chunks));
        assertTrue(missing.getMessage().contains("inst/b1/chunks/00000002"), missing.getMessage());
    }

    private List<Chunk> write(long size, int parallel) throws IOException {
        try (ChunkedWriter w = new ChunkedWriter(store, "inst/b1", new ChunkedWriter.Options(CHUNK, parallel, QUICK),
                ChunkCodec.IDENTITY)) {
            TestStreams.pattern(size, 1).transferTo(w);
            return w.finish();
        }
    }

    private void readAll(List<Chunk> chunks) throws IOException {
        try (InputStream in = new ChunkedReader(store, chunks, ChunkCodec.IDENTITY, QUICK, 2)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
