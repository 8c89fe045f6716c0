package org.backupscheduler.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders 0700 and files 0600 from their first instant: what this tool writes on a local disk
 * holds rows of the database or secrets. The one place that knows the modes; every package that
 * writes local files (backups, imports, scratch, state) goes through it.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} (and missing parents) with mode 0700. */
    public static void createDir(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        Files.setPosixFilePermissions(dir, DIR_MODE);
    }

    /**
     * Creates {@code dir} (0700 from its first instant) unless it exists: false then. The one
     * process that gets true owns the name.
     */
    public static boolean createDirExclusively(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        Files.setPosixFilePermissions(dir, DIR_MODE); // the umask may have narrowed even 0700
        return true;
    }

    /** Creates an empty 0600 file. */
    public static void createFile(Path file) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
    }

    /** Tools write with their own umask: tightens everything under {@code root} to 0700/0600. */
    public static void restrict(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIR_MODE : FILE_MODE);
            }
        }
    }
}
