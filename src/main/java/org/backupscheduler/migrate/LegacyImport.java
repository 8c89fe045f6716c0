package org.backupscheduler.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.ProcessIdentity;

/**
 * Catalogs the folders under a mysqlhotcopy target as LEGACY backups (INVALID when their check
 * fails). Files are only read, never moved. Importing twice does not duplicate: the id is
 * derived from the folder's path. Each import leaves a {@link LegacyMarker} in the repository, so
 * that {@code catalog rebuild} finds the folder again.
 */
public final class LegacyImport {
    private final Backups backups;
    private final String instance;
    private final Path instanceDir;

    public LegacyImport(Backups backups, String instance, Path instanceDir) {
        this.backups = backups;
        this.instance = instance;
        this.instanceDir = instanceDir;
    }

    /** One folder: its catalog id and status, its check, and whether it was already there. */
    public record Imported(String id, BackupStatus status, LegacyCheck check, boolean alreadyCataloged) {
    }

    public List<Imported> importDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError("import folder " + dir + " not found", "pass the target folder of mysqlhotcopy "
                    + "(the last argument of its crontab line)", UserError.USAGE);
        }
        refuseOverlap(dir, instanceDir.getParent());
        List<Imported> result = new ArrayList<>();
        try {
            for (Path folder : folders(dir)) {
                result.add(importFolder(folder.toAbsolutePath().normalize()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /**
     * The repository holds our own backups and the catalog: cataloged as hotcopies, they would
     * become LEGACY or INVALID rows of folders we did not make (the instance folder itself, with
     * the repository as the import folder). And a hotcopy folder inside the repository could be
     * taken for ours. So the import folder must be outside the repository, and not hold it.
     */
    public static void refuseOverlap(Path dir, Path repository) {
        Path d = real(dir);
        Path r = real(repository);
        String how = d.equals(r) ? "is the repository" : d.startsWith(r) ? "is inside the repository " + r
                : r.startsWith(d) ? "holds the repository " + r : null;
        if (how != null) {
            throw new UserError("import folder " + dir + " " + how + ": its folders are this tool's backups, not "
                    + "hotcopies; nothing was imported", "pass the folder mysqlhotcopy copied into (the last "
                    + "argument of its crontab line), outside the repository", UserError.USAGE);
        }
    }

    /** The path with links resolved as far as it exists (the repository may not exist yet). */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    /** Each sub-folder is one database copy; a folder holding table files itself is one too. */
    private static List<Path> folders(Path dir) throws IOException {
        List<Path> folders = new ArrayList<>();
        boolean holdsFiles;
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> entries = s.sorted().toList();
            holdsFiles = entries.stream().anyMatch(Files::isRegularFile);
            entries.stream().filter(Files::isDirectory).forEach(folders::add);
        }
        if (holdsFiles || folders.isEmpty()) {
            folders.add(0, dir); // an empty target is itself an empty copy: it is caught, not skipped
        }
        return folders;
    }

    private Imported importFolder(Path folder) throws IOException {
        String id = idFor(folder);
        var existing = backups.find(instance, id);
        LegacyCheck check = HotcopyFolderCheck.check(folder);
        if (existing.isPresent()) {
            return new Imported(id, existing.get().status(), check, true);
        }
        // The marker first: a crash between the two leaves a folder that rebuild can catalog,
        // never a row whose repository has no trace of it.
        new LegacyMarker(LegacyMarker.FORMAT, instance, id, folder.toString(), Instant.now()).write(instanceDir);
        BackupRecord row = row(instance, id, folder, check);
        backups.insert(row, ProcessIdentity.current());
        return new Imported(id, row.status(), check, false);
    }

    /** The catalog row of a checked hotcopy folder: LEGACY, or INVALID when its check failed. */
    public static BackupRecord row(String instance, String id, Path folder, LegacyCheck check) throws IOException {
        BackupStatus status = check.valid() ? BackupStatus.LEGACY : BackupStatus.INVALID;
        Instant copiedAt = Files.getLastModifiedTime(folder).toInstant();
        return BackupRecord.legacy(instance, id, status, copiedAt,
                new BackupRecord.Contents(check.sizeBytes(), check.fileCount()), folder.toString(), check.summary());
    }

    /** "hotcopy-" + folder name (cut) + CRC32C of the full path: stable and unique enough. */
    static String idFor(Path folder) {
        CRC32C crc = new CRC32C();
        crc.update(folder.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String name = folder.getFileName() == null ? "root" : folder.getFileName().toString()
                .replaceAll("[^A-Za-z0-9_.-]", "_");
        return "hotcopy-" + (name.length() > 22 ? name.substring(0, 22) : name) + "-"
                + String.format("%08x", crc.getValue());
    }
}
