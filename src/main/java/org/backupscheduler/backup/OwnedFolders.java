package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.migrate.LegacyMarker;
import org.backupscheduler.storage.LocalStorage;
import org.backupscheduler.storage.PrivateFiles;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.StoredObject;

/**
 * The one place production code deletes a tree, and it deletes only what this tool made.
 * Two kinds of folder qualify, each proven ours by where it is and what it carries:
 * <ul>
 * <li>a <b>backup folder</b>: exactly {@code <instanceDir>/<id>} for a catalog row's id — a real
 * folder (not a link) whose real parent is the instance folder and whose name is the id — holding
 * one of our marks: {@code manifest.json} (a finished backup), {@code backup.log} (created before
 * the engine starts), the {@code FAILED} marker (a run that ended before that), or
 * {@code legacy.json} (our record of an imported hotcopy folder, which itself lives elsewhere).
 * An empty folder qualifies too: it holds nothing to lose. Not the marks alone: a row's path can
 * be anything (a moved repository, an old import), so the path is never taken from the row.
 * <li>a <b>scratch folder</b> made by {@link #makeScratch}: 0700, with a marker inside naming
 * the folder's own path, so neither a copied marker nor a folder renamed into its place counts.
 * </ul>
 * In a repository behind a {@link Storage} (S3, SFTP), a backup is the objects under
 * {@code <instance>/<id>/}, proven ours the same way: {@link #deleteBackup(Storage, String, String)}.
 * Neither may look like a datadir at its top ({@code ibdata1}, {@code aria_log_control},
 * {@code mysql/}): whatever went wrong before, a server's files are never deleted here.
 */
public final class OwnedFolders {
    /** Inside each scratch folder; its content is the folder's absolute path. */
    public static final String SCRATCH_MARKER = ".backup-scheduler-scratch";
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /** A chunk object of a streamed backup (storage.Chunk#keyOf). */
    private static final Pattern CHUNK = Pattern.compile("chunks/\\d{8}");
    private static final List<String> BACKUP_MARKS = List.of(RepositoryLayout.MANIFEST, RepositoryLayout.LOG,
            RepositoryLayout.FAILED_MARKER, LegacyMarker.FILE);
    private static final List<String> DATADIR_SIGNS = List.of("ibdata1", "aria_log_control", "mysql");
    /** What is left of a run whose data was removed: its log says what happened, the marker what it is. */
    private static final Set<String> KEPT_OF_A_RUN = Set.of(RepositoryLayout.LOG, RepositoryLayout.FAILED_MARKER);

    private OwnedFolders() {
    }

    /** A folder this class refused to delete, and why. */
    public static final class Refused extends IOException {
        Refused(Path dir, String why) {
            super("not deleting " + dir + ": " + why);
        }
    }

    /**
     * Deletes the backup folder {@code <instanceDir>/<id>}; false when there is none.
     *
     * @throws Refused when the folder is there but not provably one of our backup folders
     */
    public static boolean deleteBackup(Path instanceDir, String id) throws IOException {
        Path dir = backupFolder(instanceDir, id);
        if (dir == null) {
            return false;
        }
        // A backup whose stream lies in a store off the host (format 3): its objects there first,
        // by the same guard; the local folder (log, engine files, manifest copy) after, so a delete
        // cut short is found again by the next pass.
        Optional<Manifest.Stream> stream;
        try {
            stream = CompressedLayout.chunks(dir);
        } catch (IOException unreadable) {
            // A damaged manifest cannot say where the stream lies: with a repository in a store,
            // its objects are looked for there (by the same guard); a local folder holds it all.
            stream = Optional.empty();
            RepositoryConfig repository = RepositoryStores.configured();
            if (repository != null && !repository.isLocal()) {
                deleteBackup(RepositoryStores.storeAt(repository.url()), instanceDir.getFileName().toString(), id);
            }
        }
        if (stream.isPresent() && !Path.of(stream.get().repository()).isAbsolute()) {
            deleteBackup(RepositoryStores.storeAt(stream.get().repository()),
                    instanceDir.getFileName().toString(), id);
        }
        PathUtils.deleteDirectory(dir); // links inside are removed, never followed
        return true;
    }

    /**
     * Deletes backup {@code id} of {@code instance} from a store: exactly the objects under
     * {@code <instance>/<id>/}, the row's own id, and only when one of our marks is among them (a
     * manifest, a log, a FAILED marker, or chunk objects). The manifest goes first: from then on
     * the backup no longer exists, so a delete cut short leaves remains, never a damaged backup.
     * A local repository goes through the folder guard of {@link #deleteBackup(Path, String)}.
     * Returns how many objects it removed (0 when there were none).
     *
     * @throws Refused when the objects there are not provably one of our backups
     */
    public static int deleteBackup(Storage storage, String instance, String id) throws IOException {
        if (instance == null || !PLAIN_NAME.matcher(instance).matches()) {
            throw new Refused(Path.of(String.valueOf(instance)), "'" + instance + "' is not an instance name");
        }
        if (id == null || !PLAIN_NAME.matcher(id).matches()) {
            throw new Refused(Path.of(instance, String.valueOf(id)), "'" + id + "' is not a backup id");
        }
        if (storage instanceof LocalStorage local) {
            List<StoredObject> before = local.list(instance + "/" + id + "/");
            return deleteBackup(local.root().resolve(instance), id) ? before.size() : 0;
        }
        String prefix = instance + "/" + id + "/";
        List<StoredObject> objects = storage.list(prefix);
        if (objects.isEmpty()) {
            return 0;
        }
        Path where = Path.of(storage.describe(), instance, id);
        for (StoredObject o : objects) {
            if (!o.key().startsWith(prefix)) { // a driver that widened the prefix must not widen the delete
                throw new Refused(where, "the store listed " + o.key() + ", which is not under " + prefix);
            }
        }
        boolean marked = objects.stream().map(o -> o.key().substring(prefix.length()))
                .anyMatch(name -> BACKUP_MARKS.contains(name) || CHUNK.matcher(name).matches());
        if (!marked) {
            throw new Refused(where, "it carries none of our marks (" + String.join(", ", BACKUP_MARKS)
                    + ", chunks/NNNNNNNN)");
        }
        String manifest = prefix + RepositoryLayout.MANIFEST;
        if (objects.stream().anyMatch(o -> o.key().equals(manifest))) {
            storage.delete(manifest);
        }
        for (StoredObject o : objects) {
            if (!o.key().equals(manifest)) {
                storage.delete(o.key());
            }
        }
        return objects.size();
    }

    /** An archived binlog as the archive stores it: {@code base.NNNNNN}, with its index entry and sealed twin. */
    private static final Pattern ARCHIVED_BINLOG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*\\.\\d{6,}");
    private static final List<String> ARCHIVED_FORMS = List.of(".json", "", ".pgp");

    /**
     * Deletes the archived binlog {@code file} of {@code instance}: exactly
     * {@code <instance>/binlogs/<file>}, its {@code .pgp} form and its {@code .json} index entry,
     * and only when the index entry is there (our mark). The entry goes first: a delete cut short
     * leaves bytes no index names, never an index naming a file that is gone. The caller decides
     * which files no kept backup needs (binlogs.ArchiveRetention). Returns the objects removed.
     *
     * @throws Refused when the name is not a binlog file's or the file carries no index entry of ours
     */
    public static int deleteArchivedBinlog(Storage storage, String instance, String file) throws IOException {
        if (instance == null || !PLAIN_NAME.matcher(instance).matches()) {
            throw new Refused(Path.of(String.valueOf(instance)), "'" + instance + "' is not an instance name");
        }
        Path where = Path.of(storage.describe(), instance, RepositoryLayout.BINLOGS, String.valueOf(file));
        if (file == null || !ARCHIVED_BINLOG.matcher(file).matches()) {
            throw new Refused(where, "'" + file + "' is not an archived binlog's name (base.NNNNNN)");
        }
        String key = instance + "/" + RepositoryLayout.BINLOGS + "/" + file;
        if (!storage.exists(key + ".json")) {
            if (!storage.exists(key) && !storage.exists(key + ".pgp")) {
                return 0; // gone already: a pass cut short after the objects, before the index row
            }
            throw new Refused(where, "it has no index entry " + file + ".json: not archived by this tool");
        }
        int removed = 0;
        for (String form : ARCHIVED_FORMS) {
            if (storage.exists(key + form)) {
                storage.delete(key + form);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Deletes what a run wrote into {@code <instanceDir>/<id>} except its log and FAILED marker:
     * after a full disk, the partial copy goes so the disk is usable again, and the log stays
     * to say why. Returns the bytes freed (0 when there is no folder).
     */
    public static long deletePartialData(Path instanceDir, String id) throws IOException {
        Path dir = backupFolder(instanceDir, id);
        if (dir == null) {
            return 0;
        }
        long freed = 0;
        try (var children = Files.list(dir)) {
            for (Path child : children.toList()) {
                if (KEPT_OF_A_RUN.contains(child.getFileName().toString())) {
                    continue;
                }
                freed += sizeOf(child);
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    PathUtils.deleteDirectory(child);
                } else {
                    Files.delete(child);
                }
            }
        }
        return freed;
    }

    /** Creates the scratch folder {@code dir} (0700, must not exist) with our marker inside. */
    public static void makeScratch(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            PrivateFiles.createDir(parent);
        }
        if (!PrivateFiles.createDirExclusively(dir)) {
            throw new IOException(dir + " already exists");
        }
        Path marker = dir.resolve(SCRATCH_MARKER);
        PrivateFiles.createFile(marker);
        Files.writeString(marker, dir.toAbsolutePath().normalize().toString());
    }

    /**
     * Deletes a scratch folder made by {@link #makeScratch}; nothing when it is gone.
     *
     * @throws Refused when {@code dir} is there but not provably a scratch folder of ours
     */
    public static void deleteScratch(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(dir, "not a folder (a link or a file)");
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
        if (!mode.equals("rwx------")) {
            throw new Refused(dir, "mode " + mode + ", and our scratch folders are rwx------ (0700)");
        }
        Path marker = dir.resolve(SCRATCH_MARKER);
        String expected = dir.toAbsolutePath().normalize().toString();
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)
                || !expected.equals(Files.readString(marker, StandardCharsets.UTF_8).strip())) {
            throw new Refused(dir, "it has no " + SCRATCH_MARKER + " naming this folder, so it is no scratch "
                    + "folder of ours");
        }
        refuseDatadir(dir);
        PathUtils.deleteDirectory(dir);
    }

    /** The proven backup folder of {@code id}, or null when there is none. */
    private static Path backupFolder(Path instanceDir, String id) throws IOException {
        if (id == null || !PLAIN_NAME.matcher(id).matches()) {
            throw new Refused(instanceDir.resolve(String.valueOf(id)), "'" + id + "' is not a backup id");
        }
        Path dir = instanceDir.resolve(id);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(dir, "not a folder (a link or a file)");
        }
        Path real = dir.toRealPath();
        if (!instanceDir.toRealPath().equals(real.getParent()) || !id.equals(real.getFileName().toString())) {
            throw new Refused(dir, "it is not the folder " + id + " directly inside " + instanceDir);
        }
        refuseDatadir(dir);
        boolean marked = BACKUP_MARKS.stream().anyMatch(m -> Files.exists(dir.resolve(m), LinkOption.NOFOLLOW_LINKS));
        if (!marked && !isEmpty(dir)) {
            throw new Refused(dir, "it carries none of our marks (" + String.join(", ", BACKUP_MARKS) + ")");
        }
        return dir;
    }

    private static void refuseDatadir(Path dir) throws Refused {
        for (String sign : DATADIR_SIGNS) {
            if (Files.exists(dir.resolve(sign), LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(dir, "it holds " + sign + " at its top, as a datadir does");
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    private static long sizeOf(Path p) {
        try (var walk = Files.walk(p)) {
            return walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
