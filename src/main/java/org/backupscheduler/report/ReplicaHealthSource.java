package org.backupscheduler.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.SourceState;

/**
 * Replica health as the backups saw it: for backups taken on a replica, its lag at backup time,
 * and the runs refused because its replication was broken or behind.
 */
public final class ReplicaHealthSource implements SectionSource {
    private static final int SHOWN = 10;
    private final Catalog catalog;

    public ReplicaHealthSource(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public SectionData read(String instance, Instant from, Instant to) {
        List<String> lines = new ArrayList<>();
        int replicaBackups = 0;
        int refused = 0;
        List<BackupRecord> rows = catalog.backups().startedBetween(instance, from, to.plusMillis(1));
        for (int i = rows.size() - 1; i >= 0; i--) {
            BackupRecord b = rows.get(i);
            SourceState s = catalog.backups().sources().find(instance, b.id()).orElse(null);
            if (s == null || !s.isReplica()) {
                continue;
            }
            replicaBackups++;
            boolean bad = s.lagSeconds() == null || b.reason() != null && b.reason().startsWith("replica ");
            refused += bad ? 1 : 0;
            if (lines.size() < SHOWN) {
                lines.add(TextReport.UTC.format(b.startedAt()) + "  " + b.id() + "  " + b.status() + "  lag "
                        + (s.lagSeconds() == null ? "unknown" : s.lagSeconds() + "s")
                        + (bad && b.reason() != null ? ": " + b.reason() : ""));
            }
        }
        if (replicaBackups == 0) {
            return SectionData.notRecorded();
        }
        return new SectionData(true, replicaBackups + " backup(s) of a replica in the window, " + refused
                + " refused or stale because replication was broken or behind", lines);
    }
}
