package org.backupscheduler.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * The stream a {@link ChunkedWriter} cut, read back from the store in order: {@code readAhead}
 * chunks are fetched at once, and each is checked against its record (size, then CRC32C of the
 * stored bytes) before a byte of it is handed on. A missing object is a NoSuchFileException, a
 * changed or truncated one a {@link ChunkCorruptException}; both name the object.
 */
public final class ChunkedReader extends InputStream {
    private final Storage storage;
    private final List<Chunk> chunks;
    private final ChunkCodec codec;
    private final Retries retries;
    private final int readAhead;
    private final ExecutorService downloads;
    private final ArrayDeque<Future<ChunkCodec.Bytes>> pending = new ArrayDeque<>();
    private int next;
    private ChunkCodec.Bytes current;
    private int pos;

    public ChunkedReader(Storage storage, List<Chunk> chunks, ChunkCodec codec, Retries retries, int readAhead) {
        this.storage = storage;
        this.chunks = List.copyOf(chunks);
        this.codec = codec;
        this.retries = retries;
        this.readAhead = Math.max(1, readAhead);
        this.downloads = Executors.newFixedThreadPool(this.readAhead, r -> {
            Thread t = new Thread(r, "chunk-download");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos == current.length()) {
            if (!advance()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length() - pos);
        System.arraycopy(current.array(), pos, b, off, n);
        pos += n;
        return n;
    }

    /** Stops reading ahead: queued fetches never start, running ones end on their own (never interrupted). */
    @Override
    public void close() {
        ChunkedWriter.cancelQueued(downloads);
        downloads.shutdown();
    }

    /** Moves to the next chunk, keeping {@code readAhead} fetches under way. False at the end. */
    private boolean advance() throws IOException {
        while (pending.size() < readAhead && next < chunks.size()) {
            Chunk c = chunks.get(next++);
            pending.add(downloads.submit(() -> fetch(c)));
        }
        Future<ChunkCodec.Bytes> f = pending.poll();
        if (f == null) {
            return false;
        }
        try {
            current = f.get();
            pos = 0;
            return true;
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // not a fault of the chunk (a missing key): the caller's to report, never a verdict on it
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading chunks");
        }
    }

    /** One chunk, whole, checked, decoded. */
    private ChunkCodec.Bytes fetch(Chunk c) throws IOException {
        byte[] stored = stored(storage, retries, c);
        ChunkCodec.Bytes plain = codec.decode(new ChunkCodec.Bytes(stored, stored.length));
        if (plain.length() != c.plainSize()) {
            throw new ChunkCorruptException(c.key(), "chunk " + c.key() + " decodes to " + plain.length()
                    + " bytes, not the " + c.plainSize() + " recorded");
        }
        return plain;
    }

    /**
     * Every chunk read where it lies and checked as stored (size, CRC32C), not decoded: what a host
     * without the key of an encrypted backup can prove. Throws naming the first wrong object.
     */
    public static void checkStored(Storage storage, List<Chunk> chunks, Retries retries) throws IOException {
        for (Chunk c : chunks) {
            stored(storage, retries, c);
        }
    }

    /** One chunk's stored bytes, whole, checked against its size and CRC32C. */
    private static byte[] stored(Storage storage, Retries retries, Chunk c) throws IOException {
        // One array of the recorded size, filled in place (readNBytes(int) would gather and copy).
        byte[] stored = new byte[(int) Math.min(Integer.MAX_VALUE - 8, c.size())];
        int[] got = new int[1];
        boolean[] longer = new boolean[1];
        retries.run(() -> {
            try (InputStream in = storage.get(c.key())) {
                got[0] = in.readNBytes(stored, 0, stored.length);
                longer[0] = got[0] == stored.length && in.read() >= 0;
                return null;
            }
        });
        if (longer[0]) {
            throw new ChunkCorruptException(c.key(), "chunk " + c.key() + " is longer than the " + c.size()
                    + " bytes recorded");
        }
        if (got[0] != c.size()) {
            throw new ChunkCorruptException(c.key(), "chunk " + c.key() + " is " + got[0] + " bytes, not the "
                    + c.size() + " bytes recorded");
        }
        CRC32C crc = new CRC32C();
        crc.update(stored, 0, stored.length);
        if (crc.getValue() != c.crc32c()) {
            throw new ChunkCorruptException(c.key(), "chunk " + c.key() + ": CRC32C " + Chunk.hex(crc.getValue())
                    + " != recorded " + Chunk.hex(c.crc32c()));
        }
        return stored;
    }
}
