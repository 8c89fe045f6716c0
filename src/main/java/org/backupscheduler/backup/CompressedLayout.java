package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.backupscheduler.engine.Flavor;
import org.backupscheduler.engine.StreamListing;

/**
 * Where a compressed backup keeps things: the engine's stream as {@code data.<format>.zst} in the
 * backup folder (there is no {@code data/}), beside it the engine's own metadata files (from
 * {@code --extra-lsndir}, plus those only the stream held). A backup is compressed when that
 * file is there: the folder says what it is, as the manifest does for the rest.
 */
public final class CompressedLayout {
    /** The engine's small files kept beside the stream; the redo log copy is not one of them. */
    static final Pattern ENGINE_FILE = Pattern.compile(
            "(xtrabackup|mariadb_backup)_(checkpoints|info|binlog_info|slave_info|galera_info)");

    private CompressedLayout() {
    }

    public static Path streamFile(Path backupDir, Flavor flavor) {
        return backupDir.resolve(RepositoryLayout.DATA + "." + flavor.streamFormat() + ".zst");
    }

    /** The compressed stream of {@code backupDir}, if it is a compressed backup. */
    public static Optional<Path> find(Path backupDir) {
        for (Flavor flavor : Flavor.values()) {
            Path file = streamFile(backupDir, flavor);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * The chunk objects of a format-3 backup, from its local manifest: the engine files are in the
     * local folder as for a compressed one, the stream in the repository.
     */
    public static Optional<Manifest.Stream> chunks(Path backupDir) throws IOException {
        if (!Files.isRegularFile(RepositoryLayout.manifest(backupDir))) {
            return Optional.empty();
        }
        return Optional.ofNullable(Manifest.read(backupDir).stream());
    }

    /** A streamed backup (compressed file or chunks): no data/ folder, engine files beside. */
    public static boolean isCompressed(Path backupDir) {
        if (find(backupDir).isPresent()) {
            return true;
        }
        try {
            return chunks(backupDir).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where the engine's metadata files of a backup are: what an incremental's
     * {@code --incremental-basedir} needs (only the checkpoints) and what the catalog row is read from.
     */
    public static Path engineFilesDir(Path backupDir) {
        return isCompressed(backupDir) ? backupDir : RepositoryLayout.dataDir(backupDir);
    }

    /** Top-level engine metadata files, by the name the stream gives them. */
    public static boolean isEngineFile(String streamPath) {
        return ENGINE_FILE.matcher(streamPath).matches();
    }

    /** Writes the engine files the stream held and {@code --extra-lsndir} did not (binlog, slave info). */
    static void writeEngineFiles(Path backupDir, StreamListing listing) throws IOException {
        for (Map.Entry<String, byte[]> f : listing.captured().entrySet()) {
            Path target = backupDir.resolve(f.getKey());
            if (isEngineFile(f.getKey()) && !Files.exists(target)) {
                RepositoryLayout.createPrivateFile(target);
                Files.write(target, f.getValue());
            }
        }
    }

    /** {@link Inventory#of} for a stream: schemas are the first-level folders, tables their .frm files. */
    public static Map<String, List<String>> inventory(StreamListing listing) {
        Map<String, List<String>> schemas = new TreeMap<>();
        for (String path : listing.files().keySet()) {
            String[] parts = path.split("/");
            if (parts.length != 2) {
                continue;
            }
            String schema = Inventory.decode(parts[0]);
            if (parts[1].endsWith(".frm")) {
                String table = Inventory.decode(parts[1].substring(0, parts[1].length() - 4));
                schemas.computeIfAbsent(schema, s -> new ArrayList<>()).add(table);
            } else if (parts[1].equals("db.opt")) {
                schemas.computeIfAbsent(schema, s -> new ArrayList<>());
            }
        }
        schemas.values().forEach(tables -> tables.sort(null));
        return schemas;
    }
}
