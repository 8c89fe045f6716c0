package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.backupscheduler.storage.PrivateFiles;

/**
 * Where things are in the repository: {@code <repository>/<instance>/<id>/} holds the engine's
 * copy in {@code data/}, the engine's log, and our manifest. Folders 0700, files 0600: a backup
 * holds every row of the database.
 */
public final class RepositoryLayout {
    public static final String DATA = "data";
    /** {@code <instance>/binlogs/}: the binlog archive (package binlogs), never a backup folder. */
    public static final String BINLOGS = "binlogs";
    public static final String LOG = "backup.log";
    public static final String MANIFEST = "manifest.json";
    /** Left in a folder whose run failed: anyone looking at the repository sees it is no backup. */
    public static final String FAILED_MARKER = "FAILED";

    private final Path instanceDir;

    public RepositoryLayout(Path instanceDir) {
        this.instanceDir = instanceDir;
    }

    public Path instanceDir() {
        return instanceDir;
    }

    public Path backupDir(String id) {
        return instanceDir.resolve(id);
    }

    public static Path dataDir(Path backupDir) {
        return backupDir.resolve(DATA);
    }

    public static Path log(Path backupDir) {
        return backupDir.resolve(LOG);
    }

    public static Path manifest(Path backupDir) {
        return backupDir.resolve(MANIFEST);
    }

    /**
     * Marks a failed run's folder. Best effort: the disk may be full, which is often why the run
     * failed; the catalog row says FAILED either way.
     */
    public static void markFailed(Path backupDir, String reason) {
        Path marker = backupDir.resolve(FAILED_MARKER);
        try {
            if (Files.isDirectory(backupDir) && !Files.exists(marker)) {
                createPrivateFile(marker);
                Files.writeString(marker, "This folder is the remains of a failed run, not a backup.\n" + reason + "\n");
            }
        } catch (IOException e) {
            // Nothing more to do: see above.
        }
    }

    /** Creates {@code dir} (and missing parents) with mode 0700. */
    public static void createPrivateDir(Path dir) throws IOException {
        PrivateFiles.createDir(dir);
    }

    /** See {@link PrivateFiles#createDirExclusively}. */
    public static boolean createPrivateDirExclusively(Path dir) throws IOException {
        return PrivateFiles.createDirExclusively(dir);
    }

    /** Creates an empty 0600 file. */
    public static void createPrivateFile(Path file) throws IOException {
        PrivateFiles.createFile(file);
    }

    /** The engine writes with its own umask: tighten everything under {@code root} to 0700/0600. */
    public static void restrict(Path root) throws IOException {
        PrivateFiles.restrict(root);
    }
}
