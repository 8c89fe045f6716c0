package org.backupscheduler.binlogs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.backupscheduler.storage.PrivateFiles;

/**
 * Where archived binlogs are kept: the keys {@code <instance>/binlogs/<name>} of the repository.
 * The archive's only door to the repository: everything it stores goes through {@link #put}, so
 * moving it onto the storage abstraction (local folder, S3, SFTP) changes this class alone.
 * Each write lands whole or not at all (written beside, then renamed over).
 */
public final class BinlogStore {
    /** The folder under the instance (backup.RepositoryLayout.BINLOGS says the same). */
    public static final String FOLDER = "binlogs";
    private final Path dir;
    private final String prefix;

    public BinlogStore(Path repository, String instance) {
        this.dir = repository.resolve(instance).resolve(FOLDER);
        this.prefix = instance + "/" + FOLDER + "/";
    }

    /** The key of {@code name}, as messages and docs name it. */
    public String key(String name) {
        return prefix + name;
    }

    /** Stores the first {@code length} bytes of {@code source} as {@code name}, replacing what was there. */
    public void put(String name, Path source, long length) throws IOException {
        try (InputStream in = Files.newInputStream(source)) {
            put(name, in, length);
        }
    }

    public void put(String name, byte[] bytes) throws IOException {
        put(name, new java.io.ByteArrayInputStream(bytes), bytes.length);
    }

    private void put(String name, InputStream in, long length) throws IOException {
        PrivateFiles.createDir(dir);
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        PrivateFiles.createFile(tmp);
        try (OutputStream out = Files.newOutputStream(tmp)) {
            long copied = copy(in, out, length);
            if (copied < length) {
                throw new IOException("storing " + key(name) + ": the source ended after " + copied + " of "
                        + length + " bytes");
            }
            out.flush();
        }
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true); // on disk before its name says it is there
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public Optional<byte[]> read(String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    /** A stored object's local path (the local repository only: replay tools read files). */
    public Path localPath(String name) {
        return dir.resolve(name);
    }

    public boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    /** Every stored name, sorted. */
    public List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().forEach(names::add);
            }
        }
        return names;
    }

    /** Removes {@code name} (a superseded {@code .partial}); nothing when it is not there. */
    public void remove(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
    }

    private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[1 << 16];
        long copied = 0;
        while (copied < limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit - copied));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            copied += n;
        }
        return copied;
    }
}
