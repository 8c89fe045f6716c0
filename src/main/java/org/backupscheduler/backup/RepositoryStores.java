package org.backupscheduler.backup;

import java.io.IOException;
import java.util.Objects;

import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.Storages;

/**
 * The store behind the configured repository, opened once per process and only when a backup
 * that lies there is read or written. A manifest names its repository by URL; reading a backup
 * from another repository than the configured one is refused with both URLs, never guessed.
 */
public final class RepositoryStores {
    private static RepositoryConfig configured;
    private static Storage open;

    private RepositoryStores() {
    }

    /** The repository of the config in effect; called once the config is loaded. */
    public static synchronized void configure(RepositoryConfig repository) {
        if (configured != null && !Objects.equals(configured.url(), repository.url())) {
            closeQuietly();
        }
        configured = repository;
    }

    /** The store at {@code url}, which must be the configured repository's. */
    public static synchronized Storage storeAt(String url) throws IOException {
        if (configured == null || !configured.url().equals(url)) {
            throw new IOException("the backup lies in " + url + " but the configured repository is "
                    + (configured == null ? "not set" : configured.url())
                    + ": run this with the config whose repository.url is " + url);
        }
        if (open == null) {
            open = Storages.open(configured);
        }
        return open;
    }

    /** The configured repository's store (for writing a backup into it). */
    public static synchronized Storage configuredStore() throws IOException {
        return storeAt(configured.url());
    }

    public static synchronized RepositoryConfig configured() {
        return configured;
    }

    private static void closeQuietly() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // a connection we no longer use
            }
            open = null;
        }
    }
}
