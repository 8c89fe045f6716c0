package org.backupscheduler.schedule;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.binlogs.ArchiveRetention;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.Storages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binlog archive's retention, after the backups' ({@link Expirer}): the archived files no kept
 * backup needs to roll forward from ({@link ArchiveRetention}) leave the store through
 * {@link OwnedFolders}, then the index. A file whose delete fails keeps its row and is tried again
 * at the next pass.
 */
public final class ArchiveExpirer {
    private static final Logger log = LoggerFactory.getLogger(ArchiveExpirer.class);

    private final BackupConfig config;
    private final Catalog catalog;

    public ArchiveExpirer(BackupConfig config, Catalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    /** The archived files removed now (or, with {@code dryRun}, that would be); none when the archive is off. */
    public List<String> expire(boolean dryRun) throws IOException {
        List<BackupRecord> backups = catalog.backups().all(config.instance());
        List<String> files = ArchiveRetention.removable(backups, catalog.binlogFiles().list(config.instance()));
        if (files.isEmpty() || dryRun) {
            return files;
        }
        List<String> removed = new ArrayList<>();
        try (Storage store = Storages.open(config.repository())) {
            for (String file : files) {
                OwnedFolders.deleteArchivedBinlog(store, config.instance(), file);
                catalog.binlogFiles().remove(config.instance(), file);
                removed.add(file);
                log.info("archived binlog {} removed: no kept backup rolls forward from before it", file);
            }
        }
        return removed;
    }
}
