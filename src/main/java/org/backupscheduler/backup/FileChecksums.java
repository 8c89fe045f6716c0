package org.backupscheduler.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Checksums of a backup's files. CRC32C: the JDK computes it with the CPU's CRC instruction, so
 * checking a backup costs about as much as reading it; it finds bit rot and truncation, which
 * is what a backup checksum is for (it is not a defence against tampering).
 */
public final class FileChecksums {
    public static final String ALGORITHM = "CRC32C";
    private static final int BUFFER = 1 << 20;

    private FileChecksums() {
    }

    /** Every regular file under {@code root} except the manifest, sorted by path. */
    public static List<Manifest.FileEntry> scan(Path root, LongConsumer bytesDone) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !root.relativize(p).toString().equals(RepositoryLayout.MANIFEST))
                    .sorted().toList();
        }
        // Files are summed in parallel (a backup is a few big files and many small ones, just
        // written and mostly in the page cache: one core is the limit), reported in path order.
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "checksum");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Manifest.FileEntry>> pending = new ArrayList<>(files.size());
            for (Path file : files) {
                pending.add(pool.submit(() -> {
                    long size = Files.size(file);
                    return new Manifest.FileEntry(relative(root, file), size, crc32c(file));
                }));
            }
            List<Manifest.FileEntry> entries = new ArrayList<>(files.size());
            long done = 0;
            for (Future<Manifest.FileEntry> f : pending) {
                Manifest.FileEntry e = await(f);
                entries.add(e);
                done += e.size();
                bytesDone.accept(done);
            }
            return entries;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private static Manifest.FileEntry await(Future<Manifest.FileEntry> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checksumming", e);
        }
    }

    public static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    public static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
