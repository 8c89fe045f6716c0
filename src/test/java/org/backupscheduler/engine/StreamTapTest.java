package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Reading the engine's stream as it passes: what it holds, and that it passes unchanged. */
class StreamTapTest {
    static byte[] fixture() throws IOException {
        try (InputStream in = StreamTapTest.class.getResourceAsStream("/engine/stream/small.mbstream")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aRealMbstreamIsListedCapturedAndPassedOnByteForByte() throws IOException {
        byte[] stream = fixture();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        StreamListing listing = new StreamTap(p -> p.startsWith("xtrabackup_")).copy(new ByteArrayInputStream(stream),
                out);

        assertArrayEquals(stream, out.toByteArray(), "the compressor gets exactly what the engine wrote");
        assertEquals(stream.length, listing.streamBytes());
        assertEquals(Map.of("xtrabackup_binlog_info", 36L, "ibdata1", 3000L, "shop/db.opt", 30L,
                "shop/x@0024host_summary.frm", 900L, "shop/orders.frm", 600L, "mysql/empty.MYD", 0L), listing.files());
        assertEquals("mysql-bin.000002\t486643820\t0-1-1508\n",
                new String(listing.captured().get("xtrabackup_binlog_info"), StandardCharsets.UTF_8));
        assertEquals(1, listing.captured().size(), "only the files asked for are kept");
    }

    @Test
    void eachFilesChecksumIsTheExtractedFilesOwn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        // What mbstream -x writes is what the manifest's checksums must describe: compare with the real tool.
        byte[] stream = fixture();
        java.nio.file.Path file = tmp.resolve("small.mbstream");
        java.nio.file.Files.write(file, stream);
        java.nio.file.Path out = java.nio.file.Files.createDirectory(tmp.resolve("x"));
        Process p = new ProcessBuilder("mbstream", "-x", "-C", out.toString()).redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(0, p.waitFor(), "mbstream extracts the fixture");

        StreamListing listing = new StreamTap(x -> false).copy(new ByteArrayInputStream(stream), null);

        assertEquals(listing.files().keySet(), listing.checksums().keySet(), "every file has its checksum");
        for (var e : listing.checksums().entrySet()) {
            assertEquals(org.backupscheduler.backup.FileChecksums.crc32c(out.resolve(e.getKey())), e.getValue(), e.getKey());
        }
    }

    @Test
    void aStreamCutShortIsRefusedNamingTheFileItEndsIn() throws IOException {
        byte[] stream = fixture();
        byte[] cut = Arrays.copyOf(stream, 1000);
        IOException e = assertThrows(IOException.class,
                () -> new StreamTap(p -> false).copy(new ByteArrayInputStream(cut), null));
        assertEquals("the stream ends inside a chunk of ibdata1", e.getMessage());
    }

    @Test
    void somethingElseIsNotTakenForAStream() {
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        IOException e = assertThrows(IOException.class,
                () -> new StreamTap(p -> false).copy(new ByteArrayInputStream(gzip), null));
        assertEquals("not an xbstream chunk at byte 0", e.getMessage());
    }

    @Test
    void aSparseChunksHolesCountInTheFileSize() throws IOException {
        // XtraBackup 8.0 writes 'S' chunks for punched-hole tablespaces (Percona's documented layout).
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        byte[] path = "shop/t1.ibd".getBytes(StandardCharsets.UTF_8);
        s.write("XBSTCK01".getBytes(StandardCharsets.US_ASCII));
        s.write(new byte[] {0, 'S'});
        s.write(le(4, path.length));
        s.write(path);
        s.write(le(4, 2));
        s.write(le(8, 15));
        s.write(le(8, 0));
        s.write(le(4, 0));
        s.write(le(4, 4096));
        s.write(le(4, 10));
        s.write(le(4, 100));
        s.write(le(4, 5));
        s.write(new byte[15]);
        s.write("XBSTCK01".getBytes(StandardCharsets.US_ASCII));
        s.write(new byte[] {0, 'E'});
        s.write(le(4, path.length));
        s.write(path);

        StreamListing listing = new StreamTap(p -> false).copy(new ByteArrayInputStream(s.toByteArray()), null);

        assertEquals(Map.of("shop/t1.ibd", 4096L + 10 + 100 + 5), listing.files());
        assertTrue(listing.captured().isEmpty());
    }

    private static byte[] le(int bytes, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return Arrays.copyOf(b.array(), bytes);
    }
}
