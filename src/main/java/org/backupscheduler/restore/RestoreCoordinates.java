package org.backupscheduler.restore;

import java.util.Optional;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.engine.Coordinates;

/**
 * Where, in the primary's binlog, a replica restored from a backup must start: the backup's own
 * coordinates when it was taken on the primary; the primary's coordinates recorded with
 * {@code --slave-info} when it was taken on a replica.
 */
final class RestoreCoordinates {
    private RestoreCoordinates() {
    }

    static Coordinates of(BackupRecord backup, Optional<SourceState> source) {
        if (source.isPresent() && source.get().isReplica()) {
            Coordinates primary = source.get().primary();
            if (!primary.isKnown()) {
                throw new IllegalStateException("backup " + backup.id() + " was taken on a replica but holds no "
                        + "coordinates of its primary (xtrabackup_slave_info)");
            }
            return primary;
        }
        if (!backup.coordinates().isKnown()) {
            throw new IllegalStateException("backup " + backup.id() + " holds no binlog coordinates: its source "
                    + "did not log binlogs, so no replica can start from it");
        }
        return backup.coordinates();
    }
}
