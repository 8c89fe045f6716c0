package org.backupscheduler.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two engines and the places where they differ: their names, the names of the files they
 * write into a backup, and how an incremental chain is prepared.
 */
public enum Flavor {
    /** MariaDB's fork: {@code mariabackup} / {@code mariadb-backup}. */
    MARIABACKUP,
    /** Percona XtraBackup for MySQL. */
    XTRABACKUP;

    /**
     * The engine's metadata file {@code base} ("checkpoints", "info", "binlog_info", "slave_info")
     * in a backup directory: MariaDB 11.1+ renamed {@code xtrabackup_*} to {@code mariadb_backup_*}.
     */
    public Path metadataFile(Path dir, String base) {
        if (this == MARIABACKUP) {
            Path renamed = dir.resolve("mariadb_backup_" + base);
            if (Files.exists(renamed)) {
                return renamed;
            }
        }
        return dir.resolve("xtrabackup_" + base);
    }

    /**
     * XtraBackup must be told that more deltas follow when preparing a chain; mariabackup 10.11
     * has no such option (it refuses {@code --apply-log-only}).
     */
    public boolean needsApplyLogOnly() {
        return this == XTRABACKUP;
    }

    /**
     * The stream format the engine writes with {@code --stream=}, which is also the name of the
     * tool that extracts it ({@code mbstream -x} / {@code xbstream -x}): the same chunk format
     * under two names.
     */
    public String streamFormat() {
        return this == MARIABACKUP ? "mbstream" : "xbstream";
    }
}
