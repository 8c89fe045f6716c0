package org.backupscheduler.metrics;

import java.time.Clock;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.backupscheduler.binlogs.BinlogStatus;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.SourceState;

/**
 * What monitoring needs to page someone before a DBA notices: when the last good backup was,
 * how long runs take, how big they are, how each run ended, and verification failures. Gauges
 * read the catalog at scrape time, so they are true even after a restart of the daemon.
 */
public final class BackupMetrics {
    private static final Set<BackupStatus> GOOD = EnumSet.of(BackupStatus.VERIFIED, BackupStatus.COMPLETED);

    private final PrometheusMeterRegistry registry;
    private final Backups backups;
    private final String instance;
    private final Clock clock;

    public BackupMetrics(Backups backups, String instance, Clock clock) {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), backups, instance, clock);
    }

    /**
     * Another instance's series in this one's registry (a fleet): one scrape, every series
     * labelled with its instance.
     */
    public BackupMetrics forInstance(String other) {
        return new BackupMetrics(registry, backups, other, clock);
    }

    private BackupMetrics(PrometheusMeterRegistry registry, Backups backups, String instance, Clock clock) {
        this.registry = registry;
        this.backups = backups;
        this.instance = instance;
        this.clock = clock;
        Gauge.builder("backup_last_success_timestamp_seconds", this, m -> m.seconds(m.newest(GOOD)))
                .tag("instance", instance)
                .description("finish time of the newest COMPLETED or VERIFIED backup").register(registry);
        Gauge.builder("backup_last_verified_timestamp_seconds", this,
                m -> m.seconds(m.newest(EnumSet.of(BackupStatus.VERIFIED))))
                .tag("instance", instance).description("finish time of the newest VERIFIED backup").register(registry);
        Gauge.builder("backup_newest_valid_age_seconds", this, BackupMetrics::newestValidAge)
                .tag("instance", instance).description("age of the newest VERIFIED backup").register(registry);
        Gauge.builder("backup_last_duration_seconds", this, m -> m.newest(GOOD)
                .map(b -> (b.finishedAt().toEpochMilli() - b.startedAt().toEpochMilli()) / 1000.0).orElse(Double.NaN))
                .tag("instance", instance).description("duration of the newest good backup").register(registry);
        Gauge.builder("backup_last_size_bytes", this, m -> m.newest(GOOD)
                .map(b -> b.sizeBytes() == null ? Double.NaN : b.sizeBytes().doubleValue()).orElse(Double.NaN))
                .tag("instance", instance).description("size of the newest good backup").register(registry);
        Gauge.builder("backup_replica_lag_seconds", this, BackupMetrics::replicaLag)
                .tag("instance", instance).description("the source replica's lag when the newest backup was taken")
                .register(registry);
    }

    /**
     * The binlog archive's gauges (when binlogs.archive is on), read from its index at scrape time:
     * the recovery point, the gaps, and where the recoverable window begins.
     */
    public void binlogArchive(Supplier<BinlogStatus> status) {
        Gauge.builder("backup_binlog_archive_lag_seconds", status, s -> {
            BinlogStatus b = s.get();
            return b.recoveryPoint() == null ? Double.NaN : b.recoveryPoint().toSeconds();
        }).tag("instance", instance).description("age of the newest archived binlog event: the recovery point")
                .strongReference(true)
                .register(registry); // a lambda has no other holder: a weak reference would read NaN

        Gauge.builder("backup_binlog_archive_gaps", status, s -> s.get().gaps().size()).tag("instance", instance)
                .description("gaps in the binlog archive (events that cannot be replayed)").strongReference(true)
                .register(registry);
        Gauge.builder("backup_binlog_recoverable_since_timestamp_seconds", status, s -> {
            BinlogStatus.Window w = s.get().window();
            return w == null ? Double.NaN : w.from().getEpochSecond();
        }).tag("instance", instance).description("start of the recoverable window (oldest VERIFIED backup the archive rolls forward from)")
                .strongReference(true).register(registry);
    }

    /** Counts one finished run by its final status. */
    public void run(BackupStatus status) {
        Counter.builder("backup_runs_total").tag("instance", instance).tag("status", status.name())
                .description("runs by final status").register(registry).increment();
        if (status == BackupStatus.INVALID) {
            Counter.builder("backup_verification_failures_total").tag("instance", instance).register(registry)
                    .increment();
        }
    }

    /** Counts one action of the lock policy. */
    public void lockAction(String action) {
        Counter.builder("backup_lock_actions_total").tag("instance", instance).tag("action", action)
                .description("lock-policy actions").register(registry).increment();
    }

    public String scrape() {
        return registry.scrape();
    }

    /** The newest finished backup with one of {@code statuses}. */
    Optional<BackupRecord> newest(Set<BackupStatus> statuses) {
        return statuses.stream().map(s -> backups.listByStatus(instance, s).stream()
                        .filter(b -> b.finishedAt() != null).findFirst())
                .flatMap(Optional::stream).max(Comparator.comparing(BackupRecord::startedAt));
    }

    private double seconds(Optional<BackupRecord> b) {
        return b.map(r -> r.finishedAt().toEpochMilli() / 1000.0).orElse(Double.NaN);
    }

    private double newestValidAge() {
        return newest(EnumSet.of(BackupStatus.VERIFIED))
                .map(b -> (clock.millis() - b.finishedAt().toEpochMilli()) / 1000.0).orElse(Double.NaN);
    }

    private double replicaLag() {
        List<BackupRecord> newest = backups.list(instance, 1, 0);
        if (newest.isEmpty()) {
            return Double.NaN;
        }
        return backups.sources().find(instance, newest.get(0).id()).filter(SourceState::isReplica)
                .map(s -> s.lagSeconds() == null ? Double.NaN : s.lagSeconds().doubleValue()).orElse(Double.NaN);
    }
}
