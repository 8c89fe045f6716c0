package org.backupscheduler.engine;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Reads the engine's stream (xbstream chunks; mbstream is the same format) while passing every
 * byte on unchanged, to learn what the backup holds without extracting it: each file's size, and
 * a copy of the small files asked for (the engine's {@code xtrabackup_binlog_info} exists only
 * inside the stream, not in {@code --extra-lsndir}).
 *
 * <p>A chunk: magic {@code XBSTCK01}, flags (1 byte), type (1: 'P' payload, 'S' sparse, 'E' end of
 * file), path length (4, little-endian), path; then for P and S: [S: sparse map entries (4)],
 * payload length (8), payload offset (8), CRC32 (4), [S: map of 8 bytes per entry], payload.
 *
 * <p>Each file's CRC32C is summed as its bytes pass (holes as the zeros they read as), the same
 * checksum {@code FileChecksums} takes of an extracted file: one read of the data, not two. The
 * engine writes each file's chunks in offset order; a file whose chunks come otherwise gets no
 * checksum rather than a wrong one.
 */
public final class StreamTap {
    private static final byte[] MAGIC = "XBSTCK01".getBytes(StandardCharsets.US_ASCII);
    private static final int CAPTURE_LIMIT = 1 << 20;
    private static final int BUFFER = 1 << 20;

    private final Predicate<String> capture;
    private final Map<String, Long> sizes = new TreeMap<>();
    private final Map<String, ByteArrayOutputStream> captured = new HashMap<>();
    private final Map<String, FileSum> sums = new HashMap<>();
    private final Set<String> open = new LinkedHashSet<>();
    private final byte[] buffer = new byte[BUFFER];
    private ByteBuffer lastMap;
    private volatile long bytes;

    /** {@code capture} picks the paths (as the stream names them) whose content is kept. */
    public StreamTap(Predicate<String> capture) {
        this.capture = capture;
    }

    /** Bytes passed so far: safe to read from another thread (progress). */
    public long bytes() {
        return bytes;
    }

    /**
     * Copies {@code in} to {@code out} (null: read only) chunk by chunk up to the end of the
     * stream. Throws when the stream is not well formed or ends inside a chunk or a file.
     */
    public StreamListing copy(InputStream in, OutputStream out) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        while (true) {
            int n = in.readNBytes(magic, 0, magic.length);
            if (n == 0) {
                break;
            }
            pass(magic, n, out);
            if (n < magic.length || !Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an xbstream chunk at byte " + (bytes - n)
                        + (n < magic.length ? " (the stream ends there)" : ""));
            }
            chunk(in, out);
        }
        if (!open.isEmpty()) {
            throw new IOException("the stream ends before the end of " + open.iterator().next()
                    + (open.size() > 1 ? " and " + (open.size() - 1) + " other file(s)" : ""));
        }
        Map<String, byte[]> contents = new TreeMap<>();
        captured.forEach((path, data) -> contents.put(path, data.toByteArray()));
        Map<String, String> checksums = new TreeMap<>();
        sizes.forEach((path, size) -> {
            FileSum sum = sums.computeIfAbsent(path, p -> new FileSum());
            if (sum.inOrder) {
                sum.zeros(size - sum.next); // a hole at the end reads as zeros too
                checksums.put(path, HexFormat.of().toHexDigits((int) sum.crc.getValue()));
            }
        });
        return new StreamListing(sizes, contents, bytes, checksums);
    }

    private void chunk(InputStream in, OutputStream out) throws IOException {
        ByteBuffer head = read(in, out, 6);
        head.get();
        char type = (char) head.get();
        String path = new String(read(in, out, head.getInt()).array(), StandardCharsets.UTF_8);
        if (type == 'E') {
            open.remove(path);
            sizes.putIfAbsent(path, 0L);
            return;
        }
        if (type != 'P' && type != 'S') {
            throw new IOException("unknown xbstream chunk type '" + type + "' for " + path + " at byte " + bytes);
        }
        int mapEntries = type == 'S' ? read(in, out, 4).getInt() : 0;
        ByteBuffer fields = read(in, out, 20);
        long length = fields.getLong();
        long offset = fields.getLong();
        long end = offset + length;
        if (mapEntries > 0) {
            // Each entry skips a hole, then places that many payload bytes: the holes add to the size.
            ByteBuffer map = read(in, out, 8 * mapEntries);
            lastMap = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            end = offset;
            for (int i = 0; i < mapEntries; i++) {
                end += Integer.toUnsignedLong(map.getInt()) + Integer.toUnsignedLong(map.getInt());
            }
        }
        open.add(path);
        sizes.merge(path, end, Math::max);
        ByteArrayOutputStream keep = capture.test(path) && end <= CAPTURE_LIMIT
                ? captured.computeIfAbsent(path, p -> new ByteArrayOutputStream()) : null;
        FileSum sum = sums.computeIfAbsent(path, p -> new FileSum());
        if (offset < sum.next) {
            sum.inOrder = false;
        }
        // Segments of this chunk: a plain chunk is one run of payload at its offset; a sparse one
        // alternates a hole (zeros) and a run of payload, as its map says.
        long[] holes = {offset - Math.min(offset, sum.next)};
        long[] runs = {length};
        if (mapEntries > 0) {
            ByteBuffer map = lastMap;
            holes = new long[mapEntries];
            runs = new long[mapEntries];
            for (int i = 0; i < mapEntries; i++) {
                holes[i] = Integer.toUnsignedLong(map.getInt());
                runs[i] = Integer.toUnsignedLong(map.getInt());
            }
            holes[0] += offset - Math.min(offset, sum.next);
        }
        for (int seg = 0; seg < runs.length; seg++) {
            if (sum.inOrder) {
                sum.zeros(holes[seg]);
            }
            for (long left = runs[seg]; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("the stream ends inside a chunk of " + path);
                }
                pass(buffer, n, out);
                if (keep != null) {
                    keep.write(buffer, 0, n);
                }
                if (sum.inOrder) {
                    sum.crc.update(buffer, 0, n);
                    sum.next += n;
                }
                left -= n;
            }
        }
    }

    /** One file's CRC32C so far, and the offset its next byte must have. */
    private static final class FileSum {
        private static final byte[] ZEROS = new byte[1 << 16];
        final CRC32C crc = new CRC32C();
        long next;
        boolean inOrder = true;

        void zeros(long n) {
            for (long left = n; left > 0; ) {
                int k = (int) Math.min(ZEROS.length, left);
                crc.update(ZEROS, 0, k);
                left -= k;
            }
            next += Math.max(0, n);
        }
    }

    private ByteBuffer read(InputStream in, OutputStream out, int n) throws IOException {
        // readNBytes(byte[], ...), not readNBytes(n): FileInputStream's override of the latter
        // seeks, which fails with "Illegal seek" on a pipe.
        byte[] b = new byte[n];
        int got = in.readNBytes(b, 0, n);
        pass(b, got, out);
        if (got < n) {
            throw new EOFException("the stream ends inside a chunk header at byte " + bytes);
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void pass(byte[] b, int n, OutputStream out) throws IOException {
        if (out != null) {
            out.write(b, 0, n);
        }
        bytes += n;
    }
}
