package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.StoredObject;

/**
 * The local folder through which a reader reads one copy of a backup ({@code repositories:}):
 * every reader (checks, working copy, restore) reads a backup from a folder whose manifest names
 * the repository its stream lies in. The primary's copy has the backup's own folder; a further
 * copy gets its small objects — not its chunks — fetched from its repository into
 * {@code <instance>/.copies/<repository>/<id>/} (a dot folder: never read as a backup), whose
 * manifest names that repository, so its chunks are read where they lie.
 */
public final class CopyFolders {
    static final String COPIES = ".copies";

    private CopyFolders() {
    }

    /**
     * The folder of {@code backupId}'s copy in {@code repository}, with its manifest.
     *
     * @throws IOException naming what is missing when the copy is not there (no folder, no manifest)
     */
    public static Path folder(BackupConfig config, String backupId, String backupPath, RepositoryConfig repository)
            throws IOException {
        if (repository.url().equals(config.repository().url())) {
            Path own = Path.of(backupPath);
            if (!Files.isRegularFile(RepositoryLayout.manifest(own))) {
                throw new IOException((Files.isDirectory(own) ? "no " + RepositoryLayout.MANIFEST + " in " : "no folder ")
                        + own);
            }
            return own;
        }
        Path parent = config.instanceDir().resolve(COPIES).resolve(repository.name());
        Path dir = parent.resolve(backupId);
        // Fetched before: a copy's small objects never change once its manifest is there.
        if (Files.isRegularFile(RepositoryLayout.manifest(dir))) {
            return dir;
        }
        Storage store = RepositoryStores.storeAt(repository.url());
        String prefix = config.instance() + "/" + backupId + "/";
        List<StoredObject> objects = store.list(prefix);
        if (objects.stream().noneMatch(o -> o.key().equals(prefix + RepositoryLayout.MANIFEST))) {
            throw new IOException("no " + prefix + RepositoryLayout.MANIFEST + " in " + store.describe());
        }
        RepositoryLayout.createPrivateDir(parent);
        StoreRebuild.fetch(store, prefix, objects, parent, backupId);
        return dir;
    }
}
