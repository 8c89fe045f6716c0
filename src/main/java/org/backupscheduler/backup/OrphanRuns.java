package org.backupscheduler.backup;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.engine.CredentialsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs whose process died (SIGKILL, OOM, a reboot): their rows are still RUNNING and nothing
 * else would ever finish them. At the next start they are marked FAILED — backups and restores
 * alike — backup folders marked, what they stored in a store off the host removed (through
 * {@link FailedRunObjects}), and an engine they left behind — it outlives a killed parent — is
 * ended: it would otherwise go on copying beside the next run.
 */
public final class OrphanRuns {
    private static final Logger log = LoggerFactory.getLogger(OrphanRuns.class);

    private OrphanRuns() {
    }

    /** Returns the ids of the backups recovered (restores are logged). */
    public static List<String> recover(Backups backups, String instance) {
        int credentials = CredentialsFile.removeAbandoned();
        if (credentials > 0) {
            log.warn("removed {} credentials file(s) left in the temp directory by killed processes", credentials);
        }
        // What earlier failed runs could not remove from the store (it was down then) goes first.
        FailedRunObjects.sweep(backups, instance);
        RepositoryConfig repository = RepositoryStores.configured();
        List<String> ids = backups.failOrphans(instance);
        for (String id : ids) {
            BackupRecord b = backups.find(instance, id).orElseThrow();
            Path dir = Path.of(b.path());
            endLeftoverEngine(RepositoryLayout.dataDir(dir));
            RepositoryLayout.markFailed(dir, b.reason());
            log.warn("backup {} was left RUNNING by a process that died; marked FAILED", id);
            // Its chunks in a store off the host never count: they go now, or at a later start
            // if the store does not answer. (In a local repository they stay in the partial
            // folder, for inspection, like an engine's partial copy.)
            if (repository != null && !repository.isLocal()) {
                FailedRunObjects.remove(backups, instance, id, repository.url());
            }
        }
        for (String id : backups.restores().failOrphans(instance)) {
            log.warn("restore {} was left RUNNING by a process that died; marked FAILED", id);
        }
        return ids;
    }

    /** Ends an engine still writing into {@code target}: it is ours, started for that backup. */
    static void endLeftoverEngine(Path target) {
        String option = "--target-dir=" + target;
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(option)).orElse(false))
                .forEach(p -> {
                    log.warn("ending engine pid {} left copying into {} by the dead run", p.pid(), target);
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
    }
}
