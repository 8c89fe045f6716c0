package org.backupscheduler.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.storage.ChunkCodec;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.StoredObject;

/**
 * {@code catalog rebuild} with a remote repository ([2.2]): the store alone is the truth. Every
 * backup folder of the instance in the store whose {@code manifest.json} (the commit marker,
 * written last) is there gets its small objects — not its chunks — downloaded into its local
 * folder under {@code state-dir} when that folder is missing; {@link CatalogRebuild} then derives
 * the rows from the local folders as it always did. Encrypted objects ({@code .pgp}) are
 * decrypted when this config has the secret key; without it the cleartext summary
 * {@code manifest.json} is what comes back (said in the report). A store folder with objects but
 * no manifest is the remains of a run that died: reported, never fetched, never cataloged.
 * Nothing is deleted, here or in the store.
 */
public final class StoreRebuild {
    private static final String PGP = ".pgp";

    private StoreRebuild() {
    }

    /** Whether {@code catalog rebuild} reads the store first: a remote repository. */
    public static boolean applies(BackupConfig config) {
        return config.streamsToStore() && !config.repository().isLocal();
    }

    /** Fetches what is missing locally; returns one line per backup folder of the store that needed saying. */
    public static List<String> fetchMissing(BackupConfig config) throws IOException {
        Storage store = RepositoryStores.configuredStore();
        String prefix = config.instance() + "/";
        Map<String, List<StoredObject>> byId = new TreeMap<>();
        for (StoredObject o : store.list(prefix)) {
            String rest = o.key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            String id = rest.substring(0, slash);
            if (id.startsWith(".") || id.equals(RepositoryLayout.BINLOGS)) {
                continue;
            }
            byId.computeIfAbsent(id, k -> new ArrayList<>()).add(o);
        }
        Path instanceDir = config.instanceDir();
        List<String> said = new ArrayList<>();
        for (Map.Entry<String, List<StoredObject>> e : byId.entrySet()) {
            String id = e.getKey();
            String idPrefix = prefix + id + "/";
            String manifestKey = idPrefix + RepositoryLayout.MANIFEST;
            boolean committed = e.getValue().stream().anyMatch(o -> o.key().equals(manifestKey));
            if (!committed) {
                said.add(String.format("%-18s %-9s %s", id, "skipped", e.getValue().size() + " object(s) in "
                        + store.describe() + " under " + idPrefix + " but no " + RepositoryLayout.MANIFEST
                        + ": a run that died (or a removal that did not finish), not a backup; not cataloged, "
                        + "nothing deleted (remove it with the store's own tools once you have looked)"));
                continue;
            }
            if (Files.exists(instanceDir.resolve(id))) {
                continue;
            }
            String note = fetch(store, idPrefix, e.getValue(), instanceDir, id);
            said.add(String.format("%-18s %-9s %s", id, "fetched", "small files from " + store.describe()
                    + " into " + instanceDir.resolve(id) + (note == null ? "" : "; " + note)));
        }
        return said;
    }

    /**
     * The backup's small objects into a dot folder (never read as a backup), renamed to its id
     * once complete; returns a note for the report, or null.
     */
    static String fetch(Storage store, String idPrefix, List<StoredObject> objects, Path instanceDir,
            String id) throws IOException {
        RepositoryLayout.createPrivateDir(instanceDir);
        Path tmp = instanceDir.resolve(".fetch-" + id + "-" + System.nanoTime());
        RepositoryLayout.createPrivateDir(tmp);
        List<StoredObject> small = objects.stream()
                .filter(o -> !o.key().startsWith(idPrefix + "chunks/")).toList();
        boolean encrypted = small.stream().anyMatch(o -> o.key().endsWith(PGP));
        ChunkCodec codec = ChunkCodec.IDENTITY;
        String note = null;
        if (encrypted) {
            Manifest summary = Manifest.MAPPER.readValue(
                    read(store, idPrefix + RepositoryLayout.MANIFEST), Manifest.class);
            if (RepositoryStores.canDecrypt() && summary.stream() != null) {
                codec = RepositoryStores.readingCodec(id, summary.stream());
            } else {
                note = "encrypted and this config has no encryption.secret-key-file: cataloged from the cleartext "
                        + "summary manifest.json (no file list, no source); run 'catalog rebuild' where the secret "
                        + "key is for the full record";
            }
        }
        for (StoredObject o : small) {
            String name = o.key().substring(idPrefix.length());
            byte[] content = read(store, o.key());
            if (name.endsWith(PGP)) {
                if (codec == ChunkCodec.IDENTITY) {
                    continue; // no key: the cleartext summary stands in
                }
                ChunkCodec.Bytes plain = codec.decode(new ChunkCodec.Bytes(content, content.length));
                content = java.util.Arrays.copyOf(plain.array(), plain.length());
                name = name.substring(0, name.length() - PGP.length());
            } else if (encrypted && codec != ChunkCodec.IDENTITY && name.equals(RepositoryLayout.MANIFEST)) {
                continue; // the full manifest comes from manifest.json.pgp
            }
            write(tmp.resolve(name), content);
        }
        Files.move(tmp, instanceDir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
        return note;
    }

    private static byte[] read(Storage store, String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        }
    }

    private static void write(Path file, byte[] content) throws IOException {
        if (file.getParent() != null) {
            RepositoryLayout.createPrivateDir(file.getParent());
        }
        RepositoryLayout.createPrivateFile(file);
        Files.write(file, content);
    }
}
