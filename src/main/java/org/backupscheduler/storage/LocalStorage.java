package org.backupscheduler.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A folder on this host: key {@code a/b/c} is the file {@code <root>/a/b/c}, so today's layout
 * ({@code <repository>/<instance>/<id>/data/...}) reads as objects as it is. Writes go to a temp
 * name beside the target ({@code .c.tmp-<random>}, never a valid key) and are renamed into place
 * after an fsync: a partial object never appears under its name. Folders 0700, files 0600.
 */
public final class LocalStorage implements Storage {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path root;

    public LocalStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file of {@code key}: what a folder-based reader (the engine's prepare) opens. */
    public Path file(String key) {
        return root.resolve(Keys.check(key));
    }

    @Override
    public long put(String key, InputStream content) throws IOException {
        Path target = file(key);
        PrivateFiles.createDir(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes()));
        long written = 0;
        try {
            PrivateFiles.createFile(temp);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                written = content.transferTo(out);
                out.flush();
                ch.force(true); // on disk before the name says it is there
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temp + " to " + target + " in one step: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return written;
    }

    @Override
    public InputStream get(String key, ByteRange range) throws IOException {
        Path f = file(key);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(key, null, "no object " + key + " in " + describe());
        }
        SeekableByteChannel ch = Files.newByteChannel(f, StandardOpenOption.READ);
        if (range.isAll()) {
            return Channels.newInputStream(ch);
        }
        ch.position(range.offset());
        return new BoundedInputStream(Channels.newInputStream(ch), range.length());
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        Keys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<StoredObject> found = new ArrayList<>();
        // Puts run beside a list: a temp file may vanish under the walk, which is no error.
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
                String key = root.relativize(p).toString();
                if (a.isRegularFile() && key.startsWith(prefix) && !isTemp(key)) {
                    found.add(new StoredObject(key, a.size(), a.lastModifiedTime().toInstant()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        found.sort(Comparator.comparing(StoredObject::key));
        return found;
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        Path f = file(key);
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Optional.of(new StoredObject(key, a.size(), a.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path f = file(key);
        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not deleting " + f + ": a folder, and delete() removes one object");
        }
        Files.deleteIfExists(f);
    }

    @Override
    public OptionalLong freeSpace() throws IOException {
        Path p = root;
        while (p != null && !Files.exists(p)) {
            p = p.getParent(); // the repository may not exist yet: its disk is the nearest parent's
        }
        return p == null ? OptionalLong.empty() : OptionalLong.of(Files.getFileStore(p).getUsableSpace());
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private static boolean isTemp(String key) {
        int slash = key.lastIndexOf('/');
        return key.charAt(slash + 1) == '.';
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }
}
