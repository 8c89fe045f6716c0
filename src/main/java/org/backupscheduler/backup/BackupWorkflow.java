package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.backupscheduler.Bytes;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.EngineConfig;
import org.backupscheduler.config.SourceConfig;
import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineFiles;
import org.backupscheduler.engine.EngineRun;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.locks.LockPass;
import org.backupscheduler.locks.LockWatcher;
import org.backupscheduler.locks.RunSessions;
import org.backupscheduler.replication.Freshness;
import org.backupscheduler.replication.SourceInspection;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.server.ServerFacts;
import org.backupscheduler.storage.Chunk;
import org.backupscheduler.storage.ChunkCodec;
import org.backupscheduler.storage.ChunkedWriter;
import org.backupscheduler.storage.Retries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One backup, start to finish: what {@code backup run} and the schedule both execute. The
 * catalog row exists before the engine starts and every exit path leaves it in a final status.
 */
public final class BackupWorkflow {
    private static final Logger log = LoggerFactory.getLogger(BackupWorkflow.class);

    private final BackupConfig config;
    private final Backups backups;
    private final EngineTool tool;
    private final Endpoint source;
    private final ProgressListener progress;
    private final Clock clock;
    /** Why the run was cancelled from outside (the lease lost), or null. */
    private final AtomicReference<String> cancelled = new AtomicReference<>();
    /** The engine while it runs, for {@link #cancel}. */
    private volatile EngineRun engine;

    public BackupWorkflow(BackupConfig config, Backups backups, EngineTool tool, Endpoint source,
                          ProgressListener progress, Clock clock) {
        this.config = config;
        RepositoryStores.configure(config);
        this.backups = backups;
        this.tool = tool;
        this.source = source;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * Ends the run from another thread (the lease taken over): the engine is ended if it runs, not
     * started if it has not, and the run is FAILED with {@code reason}. The first reason wins.
     */
    public void cancel(String reason) {
        if (cancelled.compareAndSet(null, reason)) {
            EngineRun running = engine;
            if (running != null) {
                running.cancel();
            }
        }
    }

    public BackupOutcome run(BackupType requested) throws IOException {
        RepositoryLayout layout = new RepositoryLayout(config.instanceDir());
        RepositoryLayout.createPrivateDir(layout.instanceDir());

        // An incremental builds on the newest VERIFIED backup: a delta on an unproven parent would
        // be unproven too. With none, take a full instead (and say so) rather than no backup.
        BackupRecord parent = null;
        BackupType type = requested;
        String note = null;
        if (requested == BackupType.INCREMENTAL) {
            parent = IncrementalParent.choose(backups, config.instance()).orElse(null);
            if (parent == null) {
                note = "no VERIFIED backup to base an incremental on: taking a full backup instead";
                log.warn(note);
                type = BackupType.FULL;
            }
        }

        // Reserve the id and the folder, and record RUNNING before anything else can fail, so
        // that every attempt, even one refused by the server, leaves a row saying why.
        Instant started = clock.instant();
        BackupRecord running = reserve(layout, type, parent, started);
        String id = running.id();
        Path dir = Path.of(running.path());
        MDC.put("backup", id);
        try {
            return new BackupOutcome(copy(running, dir, parent), note);
        } catch (RuntimeException | IOException e) {
            // Whatever went wrong, the row must not stay RUNNING; on a full disk it can only be
            // written once the partial copy is gone.
            String freed = RepositorySpace.saysFull(e) ? removePartialCopy(running) : "";
            BackupRecord failed = running.withStatus(BackupStatus.FAILED, "backup-scheduler error: " + e.getMessage()
                    + freed);
            record(finished(failed));
            RepositoryLayout.markFailed(dir, failed.reason());
            throw e;
        } finally {
            MDC.remove("backup");
        }
    }

    /**
     * The first id free as a folder (created here, exclusively) and in the catalog (its row
     * inserted here): another run or a SKIPPED row of the same second takes the next one.
     */
    private BackupRecord reserve(RepositoryLayout layout, BackupType type, BackupRecord parent, Instant started)
            throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            String id = BackupIds.next(layout.instanceDir(), type, started,
                    candidate -> backups.find(config.instance(), candidate).isPresent());
            Path dir = layout.backupDir(id);
            if (!RepositoryLayout.createPrivateDirExclusively(dir)) {
                continue; // another process of this host made it a moment ago
            }
            BackupRecord running = BackupRecord.running(config.instance(), id, type,
                    parent == null ? null : parent.id(), started, new BackupRecord.Engine(tool.name(), tool.version()),
                    new BackupRecord.Source(source.address(), null), dir.toString());
            if (backups.insertIfNew(running, ProcessIdentity.current())) {
                return running;
            }
            // The id went to a row without a folder (a SKIPPED run of another host): ours is empty
            // and was made by us an instant ago.
            Files.delete(dir);
        }
        throw new IOException("no free backup id for " + started + " after 100 tries");
    }

    private BackupRecord copy(BackupRecord running, Path dir, BackupRecord parent) throws IOException {
        // 1. Ask the source where its datadir is: the engine must be told explicitly. And if it
        //    is a replica, whether it is replicating and current: a backup of a broken replica
        //    "succeeds" and silently holds old data (the field report's replica: error 1236 for a day).
        ServerFacts facts;
        SourceInspection inspection;
        try (Connection c = ServerConnections.open(source)) {
            facts = ServerFacts.read(c);
            inspection = SourceInspection.inspect(c, config.source());
        } catch (SQLException e) {
            return fail(running, "cannot connect to source " + source.address() + " as " + source.user() + ": "
                    + e.getMessage());
        }
        Freshness freshness = inspection.freshness();
        if (!freshness.fresh()) {
            if (config.source().onStale() == SourceConfig.OnStale.FAIL) {
                backups.sources().record(running.instance(), running.id(), inspection.toSourceState(null));
                Manifest.Source.of(inspection.toSourceState(null)).writeBeside(dir);
                return fail(running, freshness.reason());
            }
            log.warn("backing up a stale replica as configured (on-stale: backup-and-flag): {}", freshness.reason());
        }
        Path datadir = config.source().datadir() != null ? config.source().datadir() : facts.datadir();
        log.info("backing up {} ({}{}) from datadir {} with {}", source.address(), facts.version(),
                inspection.replica() ? ", a replica" : "", datadir, tool);
        // A copy that cannot fit is refused now: a disk filled to the last byte takes the catalog with it.
        // [stream] into a store off the host, a run holds a few chunks at a time on this disk: the
        // store's own space is its operator's to watch (repository check says what it knows).
        Optional<String> noRoom = !config.repository().isLocal() ? Optional.empty()
                : RepositorySpace.refusal(config.instanceDir(), datadir, backups, config.instance(),
                running.type(), config.engine().compress() == EngineConfig.Compression.ZSTD);
        if (noRoom.isPresent()) {
            return fail(running, noRoom.get());
        }

        // 2. Run the engine: credentials in a 0600 file, its own log beside the backup.
        Path data = RepositoryLayout.dataDir(dir);
        Path engineLog = RepositoryLayout.log(dir);
        RepositoryLayout.createPrivateFile(engineLog);
        BackupRequest request = new BackupRequest(data, datadir, config.engine().parallel(),
                config.engine().logCopyInterval(),
                parent == null ? null : CompressedLayout.engineFilesDir(Path.of(parent.path())), inspection.replica(),
                inspection.replica() && config.source().safeSlaveBackup(), config.engine().extraArgs());
        ProcessResult result;
        AtomicReference<String> giveUp = new AtomicReference<>();
        RunSessions runSessions = RunSessions.NONE;
        // [compress] engine.compress: zstd streams the engine's output into one compressed file.
        StreamedBackup streamed = null;
        // [stream] a repository off the host: the stream is cut into chunk objects as it passes.
        // [encryption] each chunk one OpenPGP message to encryption.recipients (checked now).
        ChunkCodec codec = config.streamsToStore() ? RepositoryStores.writingCodec() : ChunkCodec.IDENTITY;
        ChunkedWriter chunks = config.streamsToStore() ? new ChunkedWriter(RepositoryStores.configuredStore(),
                storePrefix(running), new ChunkedWriter.Options((int) config.repository().chunkSizeBytes(),
                config.repository().uploadParallel(), Retries.DEFAULT), codec) : null;
        try (CredentialsFile credentials = CredentialsFile.write(source, tool.flavor())) {
            EngineRun runner;
            if (chunks != null) {
                streamed = StreamedBackup.toSink(tool, request, credentials, dir, chunks,
                        config.engine().compress() == EngineConfig.Compression.ZSTD, engineLog,
                        config.schedule().runTimeout(), config.engine().parallel()).at(config.engine().priority());
                runner = streamed;
            } else if (config.engine().compress() == EngineConfig.Compression.ZSTD) {
                streamed = StreamedBackup.of(tool, request, credentials, dir, engineLog,
                        config.schedule().runTimeout(), config.engine().parallel()).at(config.engine().priority());
                runner = streamed;
            } else {
                List<String> argv = new EngineCommands(tool).backup(request, credentials);
                runner = new ProcessRunner(argv, engineLog, config.schedule().runTimeout(), config.engine().priority());
            }
            // The lock policy watches the server while the engine runs: a blocker past the threshold
            // is handled by policy, and if it cannot be, the run gives up instead of queueing. The
            // watcher starts first: it notes which server sessions will be the engine's, and the
            // lease row publishes that for the lock policy of other processes (docs/locks.md, "Ours").
            LockPass pass = new LockPass(config.locks(), backups.lockActions(), config.instance());
            try (LockWatcher locks = LockWatcher.start(config.locks(), pass, source, running.id(), why -> {
                giveUp.set(why);
                runner.cancel();
            })) {
                runSessions = locks.run();
                publish(running, runSessions.afterId());
                engine = runner;
                if (cancelled.get() != null) {
                    if (chunks != null) {
                        abortQuietly(chunks);
                    }
                    return fail(running, cancelled.get() + "; the engine was not started");
                }
                StreamedBackup s = streamed;
                result = withProgress(datadir, s != null ? s::bytesStreamed : () -> DirectorySize.of(data), runner);
            } finally {
                engine = null;
                publish(running, null); // the watcher stops with the engine: another process's pass may look again
            }
        }
        List<Chunk> stored = null;
        if (chunks != null) {
            try {
                if (result.succeeded()) {
                    stored = chunks.finish();
                } else {
                    chunks.abort();
                }
            } catch (IOException e) {
                abortQuietly(chunks);
                return fail(running, "the stream could not be stored in " + config.repository().url() + ": "
                        + e.getMessage());
            }
        }
        if (!result.succeeded()) {
            // A full disk first: until the partial copy is gone, nothing more can be written, the
            // catalog's row included when the catalog shares the disk.
            String freed = RepositorySpace.saysFull(result.logTail()) ? removePartialCopy(running) : "";
            backups.sources().record(running.instance(), running.id(), inspection.toSourceState(null));
            Manifest.Source.of(inspection.toSourceState(null)).writeBeside(dir);
            String reason = result.describe() + freed;
            if (cancelled.get() != null) {
                List<Long> killed = StuckSessions.kill(source, backups.lockActions(), running, runSessions,
                        "cancelled");
                reason = cancelled.get() + "; the engine was ended (" + result.describe() + ")"
                        + (killed.isEmpty() ? "" : "; ended the backup's server sessions " + killed);
            } else if (giveUp.get() != null) {
                List<Long> killed = StuckSessions.kill(source, backups.lockActions(), running, runSessions,
                        "gave up on a lock");
                reason = giveUp.get() + (killed.isEmpty() ? "" : "; ended the backup's server sessions " + killed);
            } else if (result.timedOut()) {
                List<Long> killed = StuckSessions.kill(source, backups.lockActions(), running, runSessions,
                        "run timeout");
                reason = "timeout (schedule.run-timeout " + config.schedule().runTimeout().toSeconds() + "s): " + reason
                        + (killed.isEmpty() ? "" : "; killed its server sessions " + killed);
            }
            return fail(running, reason);
        }

        // 3. Read what the engine says it copied, then checksum every file into the manifest.
        // [compress] a compressed backup's engine files are beside the stream, its tables in the stream.
        Path engineFiles = streamed != null ? streamed.finish(data) : data;
        Map<String, List<String>> inventory = streamed != null ? streamed.inventory() : Inventory.of(data);
        EngineFiles files = EngineFiles.read(engineFiles, tool.flavor());
        if (parent != null && !java.util.Objects.equals(parent.toLsn(), files.checkpoints().fromLsn())) {
            return fail(running, "incremental starts at LSN " + files.checkpoints().fromLsn() + " but its parent "
                    + parent.id() + " ends at " + parent.toLsn() + ": the chain would not apply");
        }
        RepositoryLayout.restrict(dir);
        Instant finished = clock.instant();
        Coordinates coordinates = files.binlog().orElse(Coordinates.NONE);
        // A stale replica's backup is kept only because the user asked; it never counts as current.
        // The manifest says so too, with the source and its primary's coordinates: a catalog
        // rebuilt from the repository must bring it back STALE, restorable from the right position.
        BackupStatus status = freshness.fresh() ? BackupStatus.COMPLETED : BackupStatus.STALE;
        var sourceState = inspection.toSourceState(files.primary().orElse(Coordinates.NONE));
        Manifest manifest = Manifest.builder().backup(running).engine(running.engine()).finishedAt(finished)
                .lsns(new BackupRecord.Lsns(files.checkpoints().fromLsn(), files.checkpoints().toLsn()))
                .coordinates(coordinates).server(new BackupRecord.Source(source.address(), facts.serverId()))
                .inventory(inventory).files(FileChecksums.ALGORITHM, FileChecksums.scan(dir, done -> { }))
                .replicaSource(Manifest.Source.of(sourceState)).stale(status == BackupStatus.STALE, freshness.reason())
                .extractedBytes(streamed != null ? streamed.extractedBytes() : null)
                .stream(stored == null ? null : new Manifest.Stream(config.repository().url(),
                        tool.flavor().streamFormat(), config.engine().compress() == EngineConfig.Compression.ZSTD
                        ? "zstd" : "none", codec.name(), RepositoryStores.recipientFingerprints(), stored,
                        streamed.streamFiles()))
                .build();
        manifest.write(dir);
        if (stored != null && !config.repository().isLocal()) {
            // The small files beside the chunks, then the manifest: its presence in the store is
            // the commit marker, so a backup without it there never counts.
            try {
                StoreCopy.upload(RepositoryStores.configuredStore(), storePrefix(running), dir,
                        RepositoryStores.encryptor());
            } catch (IOException e) {
                return fail(running, "the backup's files could not be stored in " + config.repository().url() + ": "
                        + e.getMessage());
            }
        }
        backups.sources().record(running.instance(), running.id(), sourceState);
        BackupRecord completed = running.completed(status, finished,
                new BackupRecord.Contents(manifest.totalBytes(), manifest.files().size()), manifest.lsns(), coordinates,
                facts.serverId(), freshness.reason());
        backups.update(completed);
        log.info("backup {} " + status + ": {} files, {} bytes in {}s, binlog {}", running.id(), manifest.files().size(),
                manifest.totalBytes(), Duration.between(running.startedAt(), finished).toSeconds(), coordinates);
        return completed;
    }

    /** {@code <instance>/<id>}: where a backup's objects lie in the store. */
    static String storePrefix(BackupRecord b) {
        return b.instance() + "/" + b.id();
    }

    private static void abortQuietly(ChunkedWriter chunks) {
        try {
            chunks.abort();
        } catch (IOException e) {
            log.warn("could not remove every chunk of a failed run: {}", e.getMessage());
        }
    }

    /**
     * The run's sessions in its lease row while its lock watcher runs ({@code sessionsAfter}; null
     * once it stopped), for the lock policy of other processes; best effort.
     */
    private void publish(BackupRecord running, Long sessionsAfter) {
        try {
            if (!backups.leases().publishRun(running.instance(), ProcessIdentity.current(), running.id(),
                    sessionsAfter)) {
                log.debug("no lease of this process to publish the run's sessions in (a run without GuardedRun)");
            }
        } catch (RuntimeException e) {
            log.warn("could not publish the run's sessions in its lease: {}", e.getMessage());
        }
    }

    /** Runs the engine while a watcher reports how much of the datadir has been copied. */
    private ProcessResult withProgress(Path datadir, LongSupplier copied, EngineRun runner) throws IOException {
        progress.start("backup", DirectorySize.of(datadir));
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backup-progress");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleAtFixedRate(() -> progress.update(Math.max(0, copied.getAsLong())), 1, 1,
                TimeUnit.SECONDS);
        try {
            return runner.run();
        } finally {
            watcher.shutdownNow();
            progress.finish();
        }
    }

    /**
     * After a full disk: removes what the run wrote except its backup.log, so the disk is usable
     * again (by the catalog first of all); returns what to add to the reason.
     */
    private String removePartialCopy(BackupRecord running) {
        try {
            long freed = OwnedFolders.deletePartialData(config.instanceDir(), running.id());
            log.warn("the repository's disk is full: removed the partial copy of {} ({})", running.id(),
                    Bytes.human(freed));
            // The embedded catalog may share the disk and have failed a write meanwhile.
            backups.reopenEmbeddedStore();
            return "; the partial copy (" + Bytes.human(freed) + ") was removed to free the disk, its "
                    + "backup.log kept";
        } catch (IOException e) {
            log.error("the repository's disk is full and the partial copy of {} could not be removed: {}",
                    running.id(), e.getMessage());
            return "; the partial copy could not be removed (" + e.getMessage() + ")";
        }
    }

    private BackupRecord fail(BackupRecord running, String reason) {
        log.error("backup {} FAILED: {}", running.id(), reason);
        BackupRecord failed = finished(running.withStatus(BackupStatus.FAILED, reason));
        record(failed);
        RepositoryLayout.markFailed(Path.of(running.path()), reason);
        return failed;
    }

    /**
     * Writes a failed run's final row. After a full disk the catalog may have lost its last
     * writes (see {@link Backups#reopenEmbeddedStore}), the RUNNING row among them: then it is
     * written anew.
     */
    private void record(BackupRecord failed) {
        if (backups.find(failed.instance(), failed.id()).isPresent()) {
            backups.update(failed);
        } else {
            backups.insertIfNew(failed, ProcessIdentity.current());
        }
    }

    private BackupRecord finished(BackupRecord b) {
        return b.withFinishedAt(clock.instant());
    }
}
