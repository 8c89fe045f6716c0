package org.backupscheduler.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The whole of {@code config/backup.yml}, typed. Keys are a contract documented in
 * docs/configuration.md; sections left out take the defaults of their compact constructors.
 */
public record BackupConfig(String instance, Path repository, CatalogConfig catalog, SourceConfig source,
                           EngineConfig engine, ScheduleConfig schedule, VerifyConfig verify,
                           RetentionConfig retention, LocksConfig locks, Map<String, ReplicaConfig> replicas,
                           MetricsConfig metrics, Limits limits) {

    public BackupConfig {
        catalog = catalog != null ? catalog : new CatalogConfig(null, null, null, null);
        engine = engine != null ? engine : new EngineConfig(null, null, null, null, null);
        schedule = schedule != null ? schedule : new ScheduleConfig(null, null, null);
        verify = verify != null ? verify : new VerifyConfig(null, null);
        retention = retention != null ? retention : new RetentionConfig(null, null, null, null);
        locks = locks != null ? locks : new LocksConfig(null, null, null, null, null, null, null, null, null);
        replicas = replicas != null ? Map.copyOf(replicas) : Map.of();
        metrics = metrics != null ? metrics : new MetricsConfig(null);
        limits = limits != null ? limits : Limits.DEFAULT;
    }

    /** Where this instance's backups live: {@code <repository>/<instance>}. */
    public Path instanceDir() {
        return repository.resolve(instance);
    }

    /** The catalog's JDBC URL: configured, or an H2 file inside the repository. */
    public String catalogUrl() {
        return catalog.url() != null ? catalog.url() : "jdbc:h2:file:" + repository.resolve("catalog").toAbsolutePath();
    }
}
