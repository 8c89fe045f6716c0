package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.backup.RepositoryLayout;

/**
 * A working copy of a backup beside it in the repository (same file system, same privacy), for
 * the engine to prepare: the stored backup itself is never prepared in place. Removed on close.
 */
public final class Scratch implements AutoCloseable {
    private final Path dir;

    private Scratch(Path dir) {
        this.dir = dir;
    }

    /** A fresh 0700 folder {@code .verify-<id>-<n>} under the instance folder. */
    public static Scratch create(Path instanceDir, String backupId) throws IOException {
        return at(instanceDir.resolve(".verify-" + backupId + "-" + System.nanoTime()));
    }

    /** A fresh 0700 folder at {@code dir}, which must not exist. */
    public static Scratch at(Path dir) throws IOException {
        if (Files.exists(dir)) {
            throw new IOException(dir + " already exists");
        }
        RepositoryLayout.createPrivateDir(dir);
        return new Scratch(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Copies the tree {@code from} to {@code <scratch>/<name>} and returns the copy. */
    public Path copy(Path from, String name) throws IOException {
        Path to = dir.resolve(name);
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    RepositoryLayout.createPrivateDir(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    @Override
    public void close() throws IOException {
        if (Files.exists(dir)) {
            PathUtils.deleteDirectory(dir);
        }
    }
}
