package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.StoredObject;

/**
 * {@code catalog rebuild} with {@code repositories:}: every configured repository is listed, not
 * only the primary. A backup whose manifest lies only in a further repository (its primary copy
 * removed by retention, or lost) gets its small objects fetched from there into its folder, so
 * {@link CatalogRebuild} derives its row as for any other; its manifest names that repository, so
 * it is read there. Then each backup without copy rows gets a STORED row for every repository
 * that holds its manifest (the primary only when the folder's manifest names it: a folder fetched
 * from a further repository is not a copy in the primary). Nothing is deleted anywhere.
 */
public final class CopyRebuild {
    static final String FOUND = "found by catalog rebuild";

    private CopyRebuild() {
    }

    /** The ids whose manifest lies in each repository, by repository name in config order. */
    public static Map<String, Set<String>> list(BackupConfig config) throws IOException {
        Map<String, Set<String>> held = new LinkedHashMap<>();
        String prefix = config.instance() + "/";
        for (RepositoryConfig r : config.copies()) {
            Set<String> ids = new TreeSet<>();
            for (StoredObject o : RepositoryStores.storeAt(r.url()).list(prefix)) {
                String rest = o.key().substring(prefix.length());
                int slash = rest.indexOf('/');
                if (slash > 0 && rest.substring(slash + 1).equals(RepositoryLayout.MANIFEST)
                        && !rest.startsWith(".") && !rest.startsWith(RepositoryLayout.BINLOGS + "/")) {
                    ids.add(rest.substring(0, slash));
                }
            }
            held.put(r.name(), ids);
        }
        return held;
    }

    /**
     * Fetches, from the first further repository that holds it, each backup that has no folder
     * yet (the primary does not hold it); returns one line per backup fetched.
     */
    public static List<String> fetchMissing(BackupConfig config, Map<String, Set<String>> held) throws IOException {
        Path instanceDir = config.instanceDir();
        List<String> said = new ArrayList<>();
        Map<String, RepositoryConfig> from = new TreeMap<>();
        for (RepositoryConfig r : config.copies().subList(1, config.copies().size())) {
            held.get(r.name()).forEach(id -> from.putIfAbsent(id, r));
        }
        for (Map.Entry<String, RepositoryConfig> e : from.entrySet()) {
            String id = e.getKey();
            if (Files.exists(instanceDir.resolve(id))) {
                continue;
            }
            Storage store = RepositoryStores.storeAt(e.getValue().url());
            String idPrefix = config.instance() + "/" + id + "/";
            StoreRebuild.fetch(store, idPrefix, store.list(idPrefix), instanceDir, id);
            said.add(String.format("%-18s %-9s %s", id, "fetched", "small files from repository "
                    + e.getValue().name() + " (" + store.describe() + "), the only one holding it"));
        }
        return said;
    }

    /** STORED rows for the copies of each cataloged backup of {@code ids} that has none yet. */
    public static void record(BackupConfig config, Backups backups, Map<String, Set<String>> held, List<String> ids) {
        RepositoryConfig primary = config.copies().get(0);
        for (String id : ids) {
            if (backups.find(config.instance(), id).isEmpty()
                    || !backups.copies().of(config.instance(), id).isEmpty()) {
                continue;
            }
            for (RepositoryConfig r : config.copies()) {
                boolean holds = held.get(r.name()).contains(id)
                        && (r != primary || namesPrimary(config.instanceDir().resolve(id), primary));
                if (holds) {
                    backups.copies().record(new BackupCopies.Copy(config.instance(), id, r.name(), r.url(),
                            BackupCopies.State.STORED, Instant.now(), FOUND));
                }
            }
        }
    }

    /** Whether the backup's own folder is the primary's copy: its manifest's stream lies there. */
    private static boolean namesPrimary(Path dir, RepositoryConfig primary) {
        try {
            Manifest m = Manifest.read(dir);
            return m.stream() == null || primary.url().equals(m.stream().repository());
        } catch (IOException e) {
            return false;
        }
    }
}
