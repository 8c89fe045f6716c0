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
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.HexFormat;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Reads the engine's stream (xbstream chunks; mbstream is the same format) while passing every
 * byte on unchanged, to learn what the backup holds without extracting it: each file's size, and
 * a copy of the small files asked for (the engine's {@code xtrabackup_binlog_info} exists only
 * inside the stream, not in {@code --extra-lsndir}), and each file's CRC32C as it will be once
 * extracted (holes, as zeros, included) — the manifest's checksums without a second read.
 *
 * <p>A chunk: magic {@code XBSTCK01}, flags (1 byte), type (1: 'P' payload, 'S' sparse, 'E' end of
 * file), path length (4, little-endian), path; then for P and S: [S: sparse map entries (4)],
 * payload length (8), payload offset (8), CRC32 (4), [S: map of 8 bytes per entry], payload.
 */
public final class StreamTap {
    private static final byte[] MAGIC = "XBSTCK01".getBytes(StandardCharsets.US_ASCII);
    private static final int CAPTURE_LIMIT = 1 << 20;
    private static final int BUFFER = 1 << 20;

    private final Predicate<String> capture;
    private final Map<String, Long> sizes = new TreeMap<>();
    private final Map<String, ByteArrayOutputStream> captured = new HashMap<>();
    private final Set<String> open = new LinkedHashSet<>();
    private final Map<String, FileSum> sums = new HashMap<>();
    private static final byte[] ZEROS = new byte[1 << 16];
    private final byte[] buffer = new byte[BUFFER];
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
        sums.forEach((path, sum) -> {
            if (sum.inOrder) {
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
            sums.computeIfAbsent(path, p -> new FileSum());
            return;
        }
        if (type != 'P' && type != 'S') {
            throw new IOException("unknown xbstream chunk type '" + type + "' for " + path + " at byte " + bytes);
        }
        int mapEntries = type == 'S' ? read(in, out, 4).getInt() : 0;
        ByteBuffer fields = read(in, out, 20);
        long length = fields.getLong();
        long offset = fields.getLong();
        // The payload as runs of (hole before it, bytes of it): one run for 'P', the map's for 'S'.
        long[] holes = {0};
        long[] runs = {length};
        long end = offset + length;
        if (mapEntries > 0) {
            // Each entry skips a hole, then places that many payload bytes: the holes add to the size.
            ByteBuffer map = read(in, out, 8 * mapEntries);
            holes = new long[mapEntries];
            runs = new long[mapEntries];
            end = offset;
            for (int i = 0; i < mapEntries; i++) {
                holes[i] = Integer.toUnsignedLong(map.getInt());
                runs[i] = Integer.toUnsignedLong(map.getInt());
                end += holes[i] + runs[i];
            }
        }
        open.add(path);
        sizes.merge(path, end, Math::max);
        FileSum sum = sums.computeIfAbsent(path, p -> new FileSum());
        sum.skipTo(offset);
        ByteArrayOutputStream keep = capture.test(path) && end <= CAPTURE_LIMIT
                ? captured.computeIfAbsent(path, p -> new ByteArrayOutputStream()) : null;
        long payloadLeft = length;
        for (int r = 0; r < runs.length; r++) {
            sum.zeros(holes[r]);
            for (long left = Math.min(runs[r], payloadLeft); left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("the stream ends inside a chunk of " + path);
                }
                pass(buffer, n, out);
                sum.update(buffer, n);
                if (keep != null) {
                    keep.write(buffer, 0, n);
                }
                left -= n;
                payloadLeft -= n;
            }
        }
        // A map that places fewer bytes than the payload holds: pass the rest on, it is the stream's.
        for (long left = payloadLeft; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("the stream ends inside a chunk of " + path);
            }
            pass(buffer, n, out);
            sum.inOrder = false;
            left -= n;
        }
    }

    /**
     * One file's CRC32C, fed in the order its bytes lie in the file. The engine writes each file
     * front to back; a chunk that goes back (not seen with mariabackup) leaves the file without a
     * stream checksum rather than with a wrong one.
     */
    private static final class FileSum {
        final CRC32C crc = new CRC32C();
        long next;
        boolean inOrder = true;

        void skipTo(long offset) {
            if (offset < next) {
                inOrder = false;
            } else {
                zeros(offset - next);
            }
        }

        void zeros(long n) {
            for (long left = n; left > 0; ) {
                int k = (int) Math.min(ZEROS.length, left);
                crc.update(ZEROS, 0, k);
                left -= k;
            }
            next += n;
        }

        void update(byte[] b, int n) {
            crc.update(b, 0, n);
            next += n;
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
