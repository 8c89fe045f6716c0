package org.backupscheduler.backup;

import java.io.IOException;

import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.StoreLeftovers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed run stored in a repository off the host (S3, SFTP) goes, through the one guarded
 * delete ({@link OwnedFolders#deleteBackup(org.backupscheduler.storage.Storage, String, String)}):
 * a failed backup never counts, so its chunks are only cost. When the store cannot be reached
 * right then (the outage that failed the run, a process killed mid-upload), the catalog notes it
 * and every later start tries again ({@link #sweep}) until the store answers.
 */
public final class FailedRunObjects {
    private static final Logger log = LoggerFactory.getLogger(FailedRunObjects.class);

    private FailedRunObjects() {
    }

    /**
     * Removes backup {@code id}'s objects from {@code repository} now, or notes them for the next
     * start; returns what to add to the run's reason (empty when nothing was there).
     */
    static String remove(Backups backups, String instance, String id, String repository) {
        try {
            int removed = OwnedFolders.deleteBackup(RepositoryStores.storeAt(repository), instance, id);
            if (removed > 0) {
                log.info("removed the {} object(s) failed backup {} had stored in {}", removed, id, repository);
            }
            return removed == 0 ? "" : "; the " + removed + " object(s) it had stored were removed";
        } catch (OwnedFolders.Refused refused) {
            log.error("the objects of failed backup {} in {} were not removed: {}", id, repository,
                    refused.getMessage());
            return "; what it stored was not removed: " + refused.getMessage();
        } catch (IOException | RuntimeException e) {
            backups.storeLeftovers().note(instance, id, repository, String.valueOf(e.getMessage()));
            log.warn("could not remove what failed backup {} stored in {} ({}); noted: the next start removes it",
                    id, repository, e.getMessage());
            return "; what it stored in " + repository + " could not be removed now: the next start removes it "
                    + "once the store answers";
        }
    }

    /**
     * At a start: removes what failed runs of {@code instance} left in a store and could not
     * remove then; what the store still does not let go stays noted for the next start. Never
     * fails the command that starts.
     */
    public static void sweep(Backups backups, String instance) {
        for (StoreLeftovers.Leftover left : backups.storeLeftovers().list(instance)) {
            try {
                int removed = OwnedFolders.deleteBackup(RepositoryStores.storeAt(left.repository()), instance,
                        left.id());
                backups.storeLeftovers().forget(left);
                log.info("removed the {} object(s) failed backup {} left in {} (noted {})", removed, left.id(),
                        left.repository(), left.notedAt());
            } catch (OwnedFolders.Refused refused) {
                backups.storeLeftovers().forget(left);
                log.error("not removing what failed backup {} left in {}: {}; look at it by hand", left.id(),
                        left.repository(), refused.getMessage());
            } catch (IOException | RuntimeException e) {
                log.warn("what failed backup {} left in {} is still there ({}); the next start tries again",
                        left.id(), left.repository(), e.getMessage());
            }
        }
    }
}
