package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.backup.RepositorySpace;
import org.backupscheduler.catalog.BackupRecord;

/**
 * A working copy of a backup beside it in the repository (same file system, same privacy), for
 * the engine to prepare: the stored backup itself is never prepared in place. Removed on close,
 * through {@link OwnedFolders}: only a folder that carries the marker made here is deleted.
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

    /**
     * As {@link #create(Path, String)}, for a working copy of {@code chain}, refused before a
     * byte is copied when the repository's disk cannot hold it: a copy that fills the disk takes
     * the embedded catalog (same disk by default) with it.
     */
    public static Scratch create(Path instanceDir, BackupRecord backup, List<BackupRecord> chain) throws IOException {
        long needed = 0;
        try {
            for (BackupRecord b : chain) {
                needed += WorkingCopy.bytesNeeded(Path.of(b.path()), b.sizeBytes() == null ? 0 : b.sizeBytes());
            }
        } catch (IOException unreadable) {
            needed = 0; // an old manifest that does not say: the copy itself finds out
        }
        Optional<String> shortfall = RepositorySpace.shortfall(instanceDir, needed);
        if (shortfall.isPresent()) {
            throw new UserError("not enough space for the working copy that prepares backup " + backup.id() + " in "
                    + instanceDir + ": " + shortfall.get() + "; it stays " + backup.status() + ", not verified",
                    "free space there, then 'backup verify " + backup.id() + "'", UserError.FAILED);
        }
        return create(instanceDir, backup.id());
    }

    /** A fresh 0700 folder at {@code dir}, which must not exist. */
    public static Scratch at(Path dir) throws IOException {
        OwnedFolders.makeScratch(dir);
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
        OwnedFolders.deleteScratch(dir);
    }
}
