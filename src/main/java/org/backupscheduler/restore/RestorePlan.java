package org.backupscheduler.restore;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.server.Endpoint;

/** Everything decided before anything is touched; printed step by step, and all --dry-run does. */
record RestorePlan(String replicaName, ReplicaConfig replica, Endpoint admin, Endpoint primary,
                   BackupChoice choice, DatadirGuard guard, String datadirHow, Coordinates from, LocalDateTime until,
                   boolean running, List<String> steps) {

    Path datadir() {
        return guard.datadir();
    }

    BackupRecord backup() {
        return choice.backup();
    }
}
