package org.backupscheduler.restore;

import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.engine.Coordinates;

/**
 * A side restore decided before anything is written: into which folder, from which backup
 * (chain), from which coordinates to which target, with events from which source (null when
 * there is no target), whether a server is left running; printed step by step.
 */
record SidePlan(Path dir, BackupChoice choice, Coordinates from, RecoveryTarget target, EventSource events,
                boolean serve, List<String> steps) {

    BackupRecord backup() {
        return choice.backup();
    }
}
