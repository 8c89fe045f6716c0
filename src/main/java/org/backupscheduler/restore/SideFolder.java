package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.RepositorySpace;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.verify.WorkingCopy;

/** The folder a side restore writes into, checked before anything is written (exit 2 when unusable). */
final class SideFolder {
    private SideFolder() {
    }

    /** DIR must be new or an empty folder, with room for a socket path inside, and not inside one of ours. */
    static void refuseUnusable(Path dir, BackupConfig config) throws IOException {
        refuseInsideOurs(dir, config);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserError(dir + " exists and is not a folder; nothing was written",
                        "name a new or empty folder with --to", UserError.USAGE);
            }
            try (var children = Files.list(dir)) {
                List<String> names = children.limit(4).map(p -> p.getFileName().toString()).sorted().toList();
                if (!names.isEmpty()) {
                    throw new UserError(dir + " is not empty (it holds " + String.join(", ", names)
                            + (names.size() == 4 ? ", ..." : "") + "); nothing was written",
                            "name a new or empty folder with --to: a side restore never writes over files",
                            UserError.USAGE);
                }
            }
        }
        String socket = SideServer.socketTooLong(dir);
        if (socket != null) {
            throw new UserError(socket + "; nothing was written", "use a shorter --to folder path",
                    UserError.USAGE);
        }
    }

    /**
     * DIR must not be inside the repository (a folder there is taken for a backup) nor inside a
     * configured server's datadir (a folder there is a database of that server).
     */
    private static void refuseInsideOurs(Path dir, BackupConfig config) throws IOException {
        Map<String, Path> ours = new TreeMap<>();
        ours.put("the repository", config.localRepository());
        if (config.source().datadir() != null) {
            ours.put("source.datadir", config.source().datadir());
        }
        config.replicas().forEach((name, r) -> {
            if (r.datadir() != null) {
                ours.put("replicas." + name + ".datadir", r.datadir());
            }
        });
        Path real = realOfExisting(dir);
        for (Map.Entry<String, Path> e : ours.entrySet()) {
            Path root = realOfExisting(e.getValue().toAbsolutePath().normalize());
            if (real.startsWith(root)) {
                throw new UserError("--to " + dir + " is inside " + e.getKey() + " (" + e.getValue()
                        + "); nothing was written",
                        "name a folder of its own, outside the repository and every server's datadir",
                        UserError.USAGE);
            }
        }
    }

    /** The real path of the longest existing prefix of {@code p}, with the rest appended. */
    private static Path realOfExisting(Path p) throws IOException {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        return existing.toRealPath().resolve(existing.relativize(p));
    }

    /** Room for the prepared copy (plus 10% and the catalog's headroom) on DIR's file system. */
    static void refuseShortOfSpace(Path dir, BackupChoice choice) throws IOException {
        long needed = 0;
        for (BackupRecord b : choice.chain()) {
            needed += WorkingCopy.bytesNeeded(Path.of(b.path()), b.sizeBytes() == null ? 0 : b.sizeBytes());
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Optional<String> shortfall = RepositorySpace.shortfall(existing == null ? Path.of("/") : existing, needed);
        if (shortfall.isPresent()) {
            throw new UserError("not enough space for the copy of backup " + choice.backup().id() + " in " + dir
                    + ": " + shortfall.get() + "; nothing was written", "free space there, or use --to on another "
                    + "file system", UserError.USAGE);
        }
    }
}
