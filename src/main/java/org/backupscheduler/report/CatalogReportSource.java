package org.backupscheduler.report;

import java.time.Instant;
import java.util.List;

import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Secrets;

/** Reads what the backups table gives and hands it to {@link ReportBuilder}: three indexed queries. */
public final class CatalogReportSource {
    private CatalogReportSource() {
    }

    public static Report report(Catalog catalog, BackupConfig config, Instant now, int days) {
        String instance = config.instance();
        var backups = catalog.backups();
        Instant from = ReportBuilder.windowStart(now, days);
        List<org.backupscheduler.catalog.BackupRecord> rows = backups.startedBetween(instance, from,
                now.plusMillis(1));
        return new ReportBuilder(instance, config.schedule().full(), config.schedule().runTimeout())
                .lockActions(new LockActionsSource(catalog))
                .restoreDrills(new RestoreDrillsSource(catalog))
                .binlogArchive(new BinlogArchiveSource(catalog, config.binlogs().on()))
                .replicaHealth(new ReplicaHealthSource(catalog, () -> ConfiguredReplicas.check(config.replicas(),
                        Secrets.fromEnvironment(), config.source().maxLag())))
                .build(now, days, rows, backups.newest(instance, BackupStatus.VERIFIED).orElse(null),
                        backups.countByStatus(instance));
    }
}
