package org.backupscheduler.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * Cuts one stream into chunk objects {@code <prefix>/chunks/NNNNNNNN} of {@code chunkSize} bytes
 * and uploads them {@code parallel} at a time, each retried alone with back-off. Memory stays
 * bounded: at most {@code parallel + 1} chunk buffers exist (one filling, the rest uploading or
 * waiting), and {@link #write} blocks while all are taken. Nothing touches the local disk.
 * <p>
 * Use: write the stream, then {@link #finish} for the chunks' records (index, key, size, CRC32C),
 * which the caller writes into its manifest last. After any failure call {@link #abort}: it
 * removes every chunk this writer may have stored, so a failed run leaves no object behind.
 */
public final class ChunkedWriter extends OutputStream {
    /** How big, how many at once, how patient. */
    public record Options(int chunkSize, int parallel, Retries retries) {
        public static final int DEFAULT_CHUNK_SIZE = 64 << 20;
        public static final int DEFAULT_PARALLEL = 4;

        public Options {
            if (chunkSize < 1 || parallel < 1) {
                throw new IllegalArgumentException("chunk size and parallel must be positive");
            }
        }
    }

    private final Storage storage;
    private final String prefix;
    private final Options options;
    private final ChunkCodec codec;
    private final ExecutorService uploads;
    /** Free buffers; its capacity is the bound on memory. */
    private final BlockingQueue<byte[]> free;
    private final List<Future<Chunk>> submitted = new ArrayList<>();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final AtomicInteger buffersOut = new AtomicInteger();
    private final AtomicInteger peakBuffers = new AtomicInteger();
    private int buffersMade;
    private byte[] current;
    private int filled;
    private boolean finished;

    public ChunkedWriter(Storage storage, String prefix, Options options, ChunkCodec codec) {
        this.storage = storage;
        this.prefix = prefix;
        this.options = options;
        this.codec = codec;
        this.free = new ArrayBlockingQueue<>(options.parallel() + 1);
        this.uploads = Executors.newFixedThreadPool(options.parallel(), r -> {
            Thread t = new Thread(r, "chunk-upload " + prefix);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (current == null) {
                current = takeBuffer();
                filled = 0;
            }
            int n = Math.min(len, current.length - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == current.length) {
                submitCurrent();
            }
        }
    }

    /**
     * Uploads what is left and waits for every chunk; returns their records in stream order.
     *
     * @throws IOException the first chunk that failed after its retries (call {@link #abort} then)
     */
    public List<Chunk> finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("finish() was called already");
        }
        if (current != null && filled > 0) {
            submitCurrent();
        }
        finished = true;
        List<Chunk> chunks = new ArrayList<>();
        for (Future<Chunk> f : submitted) {
            chunks.add(await(f));
        }
        uploads.shutdown();
        chunks.sort(Comparator.comparingInt(Chunk::index));
        return chunks;
    }

    /**
     * Stops uploading and deletes nothing: queued chunks never start, the ones under way end (each
     * bounded by its retries; interrupting them would close an SFTP channel under the other users
     * of the store). After it returns no chunk of this writer can still land, so whatever it
     * stored can be removed (by {@link #abort}, or by the owner of the run's objects).
     */
    public void stop() throws IOException {
        finished = true;
        cancelQueued(uploads);
        uploads.shutdown();
        try {
            if (!uploads.awaitTermination(5, TimeUnit.MINUTES)) {
                throw new IOException("uploads of " + prefix + " did not stop within 5 minutes; not deleting "
                        + "its chunks while one may still land");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the upload of " + prefix);
        }
    }

    /**
     * Stops uploading and deletes every chunk this writer submitted (stored or not: a put that
     * timed out may still have landed), and anything else under its {@code chunks/}. Can be
     * called again (after a store comes back). Returns how many deletes it made.
     */
    public int abort() throws IOException {
        stop();
        IOException first = null;
        int removed = 0;
        for (int i = 0; i < submitted.size(); i++) {
            try {
                storage.delete(Chunk.keyOf(prefix, i));
                removed++;
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        // The chunks/ folder of this prefix is this writer's alone. A store that died in the middle
        // of a PUT may keep what it had as another name there (S3Proxy's filesystem store leaves
        // "chunks/00000002-<uuid>", measured): that goes too.
        try {
            for (StoredObject left : storage.list(Keys.join(prefix, "chunks/"))) {
                storage.delete(left.key());
                removed++;
            }
        } catch (IOException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
        return removed;
    }

    /** The most chunk buffers that were in memory at once (never more than parallel + 1). */
    public int peakBuffers() {
        return peakBuffers.get();
    }

    /** Ends the upload threads; after finish() or abort() there is nothing left for them. */
    @Override
    public void close() {
        cancelQueued(uploads);
        uploads.shutdown();
    }

    /** Cancels tasks not yet started, without interrupting running ones. */
    static void cancelQueued(ExecutorService pool) {
        List<Runnable> queued = new ArrayList<>();
        ((ThreadPoolExecutor) pool).getQueue().drainTo(queued);
        queued.forEach(r -> ((Future<?>) r).cancel(false));
    }

    private void submitCurrent() throws IOException {
        IOException failed = failure.get();
        if (failed != null) {
            throw new IOException("uploading " + prefix + " failed: " + failed.getMessage(), failed);
        }
        byte[] buffer = current;
        int length = filled;
        int index = submitted.size();
        current = null;
        submitted.add(uploads.submit(() -> {
            try {
                return upload(index, buffer, length);
            } catch (IOException e) {
                failure.compareAndSet(null, e);
                throw e;
            } finally {
                buffersOut.decrementAndGet();
                free.offer(buffer);
            }
        }));
    }

    private Chunk upload(int index, byte[] buffer, int length) throws IOException {
        String key = Chunk.keyOf(prefix, index);
        ChunkCodec.Bytes stored = codec.encode(new ChunkCodec.Bytes(buffer, length));
        CRC32C crc = new CRC32C();
        crc.update(stored.array(), 0, stored.length());
        options.retries().run(() -> storage.put(key, stored.array(), stored.length()));
        return new Chunk(index, key, stored.length(), crc.getValue(), length);
    }

    /** A free buffer, made while fewer than parallel + 1 exist, else the next one an upload returns. */
    private byte[] takeBuffer() throws IOException {
        byte[] b = free.poll();
        if (b == null && buffersMade < options.parallel() + 1) {
            buffersMade++;
            b = new byte[options.chunkSize()];
        }
        try {
            while (b == null) {
                IOException failed = failure.get();
                if (failed != null) {
                    throw new IOException("uploading " + prefix + " failed: " + failed.getMessage(), failed);
                }
                b = free.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a chunk upload of " + prefix);
        }
        peakBuffers.accumulateAndGet(buffersOut.incrementAndGet(), Math::max);
        return b;
    }

    private static Chunk await(Future<Chunk> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for chunk uploads");
        }
    }
}
