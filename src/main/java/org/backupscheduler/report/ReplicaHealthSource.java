package org.backupscheduler.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupSources;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.SourceState;

/**
 * Replica health as the backups saw it: for backups taken on a replica, its lag at backup time,
 * and the runs refused because its replication was broken or behind; and, when replicas are
 * configured, how each one is now ({@link ConfiguredReplicas}), first.
 */
public final class ReplicaHealthSource implements SectionSource {
    private static final int SHOWN = 10;
    private final Catalog catalog;
    private final Supplier<ConfiguredReplicas.Now> live;

    public ReplicaHealthSource(Catalog catalog) {
        this(catalog, () -> ConfiguredReplicas.Now.NONE);
    }

    public ReplicaHealthSource(Catalog catalog, Supplier<ConfiguredReplicas.Now> live) {
        this.catalog = catalog;
        this.live = live;
    }

    @Override
    public SectionData read(String instance, Instant from, Instant to) {
        ConfiguredReplicas.Now now = live.get();
        List<String> lines = new ArrayList<>(now.lines());
        int refused = 0;
        List<BackupSources.ReplicaBackup> rows = catalog.backups().sources().replicaBackupsBetween(instance, from,
                to.plusMillis(1));
        for (int i = rows.size() - 1; i >= 0; i--) {
            BackupRecord b = rows.get(i).backup();
            SourceState s = rows.get(i).source();
            boolean bad = s.lagSeconds() == null || b.reason() != null && b.reason().startsWith("replica ");
            refused += bad ? 1 : 0;
            if (lines.size() < now.lines().size() + SHOWN) {
                lines.add(TextReport.UTC.format(b.startedAt()) + "  " + b.id() + "  " + b.status() + "  lag "
                        + (s.lagSeconds() == null ? "unknown" : s.lagSeconds() + "s")
                        + (bad && b.reason() != null ? ": " + b.reason() : ""));
            }
        }
        if (rows.isEmpty() && now.checked() == 0) {
            return SectionData.notRecorded();
        }
        String summary = rows.size() + " backup(s) of a replica in the window, " + refused
                + " refused or stale because replication was broken or behind";
        if (now.checked() > 0) {
            summary = now.checked() + " configured replica(s) checked now, " + now.healthy() + " healthy; " + summary;
        }
        return new SectionData(true, summary, lines);
    }
}
