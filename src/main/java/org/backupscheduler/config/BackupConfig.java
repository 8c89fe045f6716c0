package org.backupscheduler.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The whole of {@code config/backup.yml}, typed. Keys are a contract documented in
 * docs/configuration.md; sections left out take the defaults of their compact constructors.
 */
public record BackupConfig(String instance, RepositoryConfig repository, CatalogConfig catalog, SourceConfig source,
                           EngineConfig engine, ScheduleConfig schedule, VerifyConfig verify,
                           RetentionConfig retention, LocksConfig locks, Map<String, ReplicaConfig> replicas,
                           MetricsConfig metrics,
                           EncryptionConfig encryption, Path stateDir, BinlogsConfig binlogs, Limits limits) {

    /** Local state of a host whose repository is elsewhere (docs/storage.md). */
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/backup-scheduler");

    public BackupConfig {
        catalog = catalog != null ? catalog : new CatalogConfig(null, null, null, null);
        engine = engine != null ? engine : new EngineConfig(null, null, null, null, null, null);
        schedule = schedule != null ? schedule : new ScheduleConfig(null, null, null, null);
        verify = verify != null ? verify : new VerifyConfig(null, null);
        retention = retention != null ? retention : new RetentionConfig(null, null, null, null);
        locks = locks != null ? locks : new LocksConfig(null, null, null, null, null, null, null, null, null);
        replicas = replicas != null ? Map.copyOf(replicas) : Map.of();
        metrics = metrics != null ? metrics : new MetricsConfig(null);
        limits = limits != null ? limits : Limits.DEFAULT;
        encryption = encryption != null ? encryption : EncryptionConfig.NONE;
        stateDir = stateDir != null ? stateDir : DEFAULT_STATE_DIR;
        binlogs = binlogs != null ? binlogs : new BinlogsConfig(null, null, null, null);
    }

    /** The restore drill's schedule ({@code verify.deep}, read in {@code schedule.time-zone}); empty when off. */
    public java.util.Optional<Schedule> deepSchedule() {
        return "off".equalsIgnoreCase(verify.deep().strip()) ? java.util.Optional.empty()
                : java.util.Optional.of(Schedule.parse("verify.deep", verify.deep(), schedule.timeZone()));
    }

    /** Where this instance's backups live: {@code <repository>/<instance>}. */
    public Path instanceDir() {
        return localRepository().resolve(instance);
    }

    /** The catalog's JDBC URL: configured, or an H2 file inside the (local) repository. */
    public String catalogUrl() {
        return catalog.url() != null ? catalog.url()
                : "jdbc:h2:file:" + localRepository().resolve("catalog").toAbsolutePath();
    }

    /**
     * The local folder of backups: the repository itself when it is a folder; with an s3:// or
     * sftp:// repository, {@code state-dir}, where each backup keeps its log, the engine's small
     * files and a copy of its manifest while its stream lies in the repository (and the embedded
     * catalog lives, unless catalog.url says otherwise).
     */
    public Path localRepository() {
        Path local = repository.localPath();
        return local != null ? local : stateDir;
    }

    /**
     * Backups are streamed into the repository's store as chunk objects (format 3): always off
     * the host, and in a local folder when they are encrypted (the chunks are the only form an
     * encrypted backup takes).
     */
    public boolean streamsToStore() {
        return !repository.isLocal() || encryption.enabled();
    }
}
