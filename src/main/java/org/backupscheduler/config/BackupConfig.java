package org.backupscheduler.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole of {@code config/backup.yml}, typed. Keys are a contract documented in
 * docs/configuration.md; sections left out take the defaults of their compact constructors.
 */
public record BackupConfig(String instance, RepositoryConfig repository, CatalogConfig catalog, SourceConfig source,
                           EngineConfig engine, ScheduleConfig schedule, VerifyConfig verify,
                           RetentionConfig retention, LocksConfig locks, Map<String, ReplicaConfig> replicas,
                           MetricsConfig metrics,
                           EncryptionConfig encryption, Path stateDir, BinlogsConfig binlogs, Limits limits,
                           List<RepositoryConfig> repositories) {

    /** Local state of a host whose repository is elsewhere (docs/storage.md). */
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/backup-scheduler");

    public BackupConfig {
        // repositories: (several copies) instead of repository: — the first entry is the primary,
        // the one every backup is written to, and what repository() answers for the code that
        // knows one repository. Both keys at once is refused by ConfigLoader (bothRepositoryKeys).
        repositories = repositories != null ? List.copyOf(repositories) : List.of();
        if (repository == null && !repositories.isEmpty()) {
            repository = repositories.get(0);
        }
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

    /** {@code repository:} and {@code repositories:} both given (a config error). */
    boolean bothRepositoryKeys() {
        // Identity on purpose: the constructor set repository to the first entry only when it was absent.
        return !repositories.isEmpty() && repository != repositories.get(0);
    }

    /**
     * Every repository a backup has a copy in, the primary first: {@code repositories:}, or the
     * one {@code repository:}.
     */
    public List<RepositoryConfig> copies() {
        return repositories.isEmpty() ? List.of(repository) : repositories;
    }

    /** Several repositories: each backup is written to the first and copied to the others. */
    public boolean hasCopies() {
        return repositories.size() > 1;
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
     * encrypted backup takes) or taken by an engine on another host ({@code source.ssh}: its output
     * reaches us only as a stream), and with several repositories (chunk objects are what every
     * repository can hold, so a copy is the same objects in another store).
     */
    public boolean streamsToStore() {
        return !repository.isLocal() || encryption.enabled() || source.ssh() != null || hasCopies();
    }
}
