package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.backupscheduler.catalog.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.StoredObject;

/**
 * The local folder through which a reader reads one copy of a backup ({@code repositories:}):
 * every reader (checks, working copy, restore) reads a backup from a folder whose manifest names
 * the repository its stream lies in. The primary's copy has the backup's own folder; a further
 * copy gets its small objects — not its chunks — fetched from its repository into
 * {@code <instance>/.copies/<host>-<pid>/<repository>/<id>/} (a dot folder: never read as a backup), whose
 * manifest names that repository, so its chunks are read where they lie.
 *
 * <p>{@code .copies/<host>-<pid>} is this process's scratch folder ({@link OwnedFolders#makeScratch}):
 * removed by {@link OwnedFolders#deleteScratch} when the last open {@link #reading} ends (or the
 * process exits), and, left by a process that died, by {@link #sweep} at the next start.
 */
public final class CopyFolders {
    static final String COPIES = ".copies";
    private static final Logger log = LoggerFactory.getLogger(CopyFolders.class);
    /** Open reads per scratch folder of this process. */
    private static final Map<Path, Integer> READS = new HashMap<>();
    private static boolean hooked;

    /** One read of further copies: its fetched folders are removed when the last open read ends. */
    public interface Reading extends AutoCloseable {
        @Override
        void close();
    }

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
        Path parent = scratch(config).resolve(repository.name());
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
        synchronized (CopyFolders.class) {
            Path root = scratch(config);
            if (!Files.isDirectory(root)) {
                OwnedFolders.makeScratch(root);
                if (!hooked) {
                    hooked = true;
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(READS.keySet()).forEach(CopyFolders::remove)));
                }
            }
            READS.putIfAbsent(root, 0);
            RepositoryLayout.createPrivateDir(parent);
        }
        StoreRebuild.fetch(store, prefix, objects, parent, backupId);
        return dir;
    }

    /** Where this process fetches further copies of {@code config}'s instance. */
    static Path scratch(BackupConfig config) {
        return config.instanceDir().resolve(COPIES).resolve(owner(ProcessHandle.current().pid()));
    }

    /** Opens a read (verify, restore): the copies it fetches are removed once no read is open. */
    public static synchronized Reading reading(BackupConfig config) {
        Path root = scratch(config);
        READS.merge(root, 1, Integer::sum);
        return () -> {
            synchronized (CopyFolders.class) {
                if (READS.merge(root, -1, Integer::sum) <= 0) {
                    READS.put(root, 0);
                    remove(root);
                }
            }
        };
    }

    /** Removes what processes that are no longer running fetched (a crash, a kill); said in the log. */
    public static void sweep(BackupConfig config) {
        Path copies = config.instanceDir().resolve(COPIES);
        if (!Files.isDirectory(copies)) {
            return;
        }
        List<Path> left;
        try (Stream<Path> s = Files.list(copies)) {
            // This host's only: a repository folder shared by several hosts holds theirs too.
            left = s.filter(p -> p.getFileName().toString().matches(
                    Pattern.quote(ProcessIdentity.hostName() + "-") + "\\d{1,10}")).toList();
        } catch (IOException e) {
            log.warn("cannot list {}: {}", copies, e.getMessage());
            return;
        }
        for (Path p : left) {
            String name = p.getFileName().toString();
            long pid = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
            if (pid != ProcessHandle.current().pid() && !ProcessIdentity.isRunning(pid)) {
                log.info("removing {}: copies fetched by process {}, which is no longer running", p, pid);
                remove(p);
            }
        }
    }

    /** {@code <host>-<pid>}: whose fetched copies a folder holds. */
    private static String owner(long pid) {
        return ProcessIdentity.hostName() + "-" + pid;
    }

    private static void remove(Path root) {
        try {
            OwnedFolders.deleteScratch(root);
        } catch (IOException e) {
            log.warn("fetched copies in {} not removed: {}", root, e.getMessage());
        }
    }
}
