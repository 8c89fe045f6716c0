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
import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.EngineConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.config.SourceConfig;
import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.EngineHost;
import org.backupscheduler.engine.EngineWorkspace;
import org.backupscheduler.engine.SshHost;
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
import org.backupscheduler.storage.StorageAccessException;
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
    /** The chunk writer of a run into a store, for the removal of what it stored when the run fails. */
    private ChunkedWriter uploading;
    /** The store refused this run's configuration (credentials, bucket, host key): exit 2 with its hint. */
    private StorageAccessException refused;

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

        // What earlier runs left in the store while it was down goes once it answers (a daemon
        // runs for months: its start is not the only moment).
        FailedRunObjects.sweep(backups, config.instance());

        // Reserve the id and the folder, and record RUNNING before anything else can fail, so
        // that every attempt, even one refused by the server, leaves a row saying why.
        Instant started = clock.instant();
        BackupRecord running = reserve(layout, type, parent, started);
        String id = running.id();
        Path dir = Path.of(running.path());
        MDC.put("backup", id);
        BackupRecord result;
        refused = null;
        try {
            result = copy(running, dir, parent);
        } catch (RuntimeException | IOException e) {
            // Whatever went wrong, the row must not stay RUNNING; on a full disk it can only be
            // written once the partial copy is gone.
            String freed = RepositorySpace.saysFull(e) ? removePartialCopy(running) : "";
            BackupRecord failed = running.withStatus(BackupStatus.FAILED, "backup-scheduler error: " + e.getMessage()
                    + freed + removeStored(running));
            record(finished(failed));
            RepositoryLayout.markFailed(dir, failed.reason());
            throw e;
        } finally {
            uploading = null;
            MDC.remove("backup");
        }
        if (refused != null) {
            // The row says FAILED with the store's words; the user is told the setting to fix.
            throw new UserError("backup " + id + " FAILED: " + result.reason(), refused.hint(), UserError.USAGE,
                    refused);
        }
        return new BackupOutcome(result, note);
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

    /**
     * The copy on the host the engine runs on: this one, or with {@code source.ssh} the database
     * host, over one SSH session kept for the whole run. The engine found there is the one recorded.
     */
    private BackupRecord copy(BackupRecord running, Path dir, BackupRecord parent) throws IOException {
        if (config.source().ssh() == null) {
            return copy(running, dir, parent, EngineHost.LOCAL, tool);
        }
        SshHost host;
        try {
            host = SshHost.open(config.source().ssh());
        } catch (UserError e) {
            return fail(running, e.getMessage() + " (HINT: " + e.hint() + ")");
        }
        try (host) {
            EngineTool there;
            try {
                there = host.locate(config.engine().tool());
            } catch (UserError e) {
                return fail(running, e.getMessage() + " (HINT: " + e.hint() + ")");
            }
            BackupRecord withEngine = running.withEngine(new BackupRecord.Engine(there.name(), there.version()));
            backups.update(withEngine);
            return copy(withEngine, dir, parent, host, there);
        }
    }

    private BackupRecord copy(BackupRecord running, Path dir, BackupRecord parent, EngineHost host,
                              EngineTool engineTool) throws IOException {
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
        log.info("backing up {} ({}{}) from datadir {} with {} on {}", source.address(), facts.version(),
                inspection.replica() ? ", a replica" : "", datadir, engineTool, host.describe());
        // A copy that cannot fit is refused now: a disk filled to the last byte takes the catalog with it.
        // [stream] into a store off the host, a run holds a few chunks at a time on this disk: the
        // store's own space is its operator's to watch (repository check says what it knows).
        // [ssh] the datadir is on the database host, not ours to measure here; the chunks land a few at a time.
        Optional<String> noRoom = !config.repository().isLocal() || !host.isLocal() ? Optional.empty()
                : RepositorySpace.refusal(config.instanceDir(), datadir, backups, config.instance(),
                running.type(), config.engine().compress() == EngineConfig.Compression.ZSTD);
        if (noRoom.isPresent()) {
            return fail(running, noRoom.get());
        }

        // A store that refuses our credentials (or has no such bucket, or an unknown host key) would
        // let the engine copy everything before the first chunk is refused: ask it first.
        if (!config.repository().isLocal()) {
            try {
                RepositoryStores.configuredStore().list(storePrefix(running) + "/");
            } catch (StorageAccessException e) {
                if (e.kind() == StorageAccessException.Kind.CONFIG) {
                    refused = e;
                    return fail(running, e.getMessage() + "; no engine ran");
                }
                log.warn("the store did not answer before the engine started ({}); the uploads retry", e.getMessage());
            }
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
        uploading = chunks;
        // [ssh] credentials and the engine's temporary folder on the host it runs on (0600 / 0700).
        try (EngineWorkspace credentials = host.workspace(source, engineTool.flavor(), data)) {
            EngineRun runner;
            if (chunks != null) {
                streamed = StreamedBackup.toSink(host, engineTool, request.in(credentials),
                        credentials, dir, chunks,
                        config.engine().compress() == EngineConfig.Compression.ZSTD, engineLog,
                        config.schedule().runTimeout(), config.engine().parallel()).at(config.engine().priority());
                runner = streamed;
            } else if (config.engine().compress() == EngineConfig.Compression.ZSTD) {
                streamed = StreamedBackup.of(engineTool, request, credentials, dir, engineLog,
                        config.schedule().runTimeout(), config.engine().parallel()).at(config.engine().priority());
                runner = streamed;
            } else {
                List<String> argv = new EngineCommands(engineTool).backup(request, credentials);
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
                    return fail(running, cancelled.get() + "; the engine was not started" + removeStored(running));
                }
                StreamedBackup s = streamed;
                try {
                    result = withProgress(datadirBytes(host, datadir), s != null ? s::bytesStreamed : () -> DirectorySize.of(data),
                            runner);
                } catch (IOException e) {
                    if (chunks == null) {
                        throw e;
                    }
                    // The store refused or went away mid-stream (after the chunk's retries): the
                    // engine was ended; the run fails with the store's reason, and what it had
                    // stored goes (or is noted for the next start while the store is down).
                    refused = refusal(e);
                    return fail(running, e.getMessage() + removeStored(running));
                }
            } finally {
                engine = null;
                publish(running, null); // the watcher stops with the engine: another process's pass may look again
            }
        }
        List<Chunk> stored = null;
        if (chunks != null && result.succeeded()) {
            try {
                stored = chunks.finish();
            } catch (IOException e) {
                refused = refusal(e);
                return fail(running, "the stream could not be stored in " + config.repository().url() + ": "
                        + e.getMessage() + removeStored(running));
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
            return fail(running, reason + removeStored(running));
        }

        // 3. Read what the engine says it copied, then checksum every file into the manifest.
        // [compress] a compressed backup's engine files are beside the stream, its tables in the stream.
        Path engineFiles = streamed != null ? streamed.finish(data) : data;
        Map<String, List<String>> inventory = streamed != null ? streamed.inventory() : Inventory.of(data);
        EngineFiles files = EngineFiles.read(engineFiles, engineTool.flavor());
        if (parent != null && !java.util.Objects.equals(parent.toLsn(), files.checkpoints().fromLsn())) {
            return fail(running, "incremental starts at LSN " + files.checkpoints().fromLsn() + " but its parent "
                    + parent.id() + " ends at " + parent.toLsn() + ": the chain would not apply"
                    + removeStored(running));
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
                        engineTool.flavor().streamFormat(), config.engine().compress() == EngineConfig.Compression.ZSTD
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
                refused = refusal(e);
                return fail(running, "the backup's files could not be stored in " + config.repository().url() + ": "
                        + e.getMessage() + removeStored(running));
            }
        }
        backups.sources().record(running.instance(), running.id(), sourceState);
        BackupRecord completed = running.completed(status, finished,
                new BackupRecord.Contents(manifest.totalBytes(), manifest.files().size()), manifest.lsns(), coordinates,
                facts.serverId(), freshness.reason());
        backups.update(completed);
        log.info("backup {} " + status + ": {} files, {} bytes in {}s, binlog {}", running.id(), manifest.files().size(),
                manifest.totalBytes(), Duration.between(running.startedAt(), finished).toSeconds(), coordinates);
        // 4. repositories: the backup is complete in the primary; a copy into each further one.
        copies(completed, dir);
        return completed;
    }

    /**
     * With several repositories: each further copy written after the primary's (manifest last
     * there too), and every copy recorded. A copy that fails leaves the backup as it is in the
     * primary (COMPLETED, restorable from there) and says so in its copy row and the log.
     */
    private void copies(BackupRecord completed, Path dir) {
        if (!config.hasCopies()) {
            return;
        }
        RepositoryConfig primary = config.copies().get(0);
        backups.copies().record(new BackupCopies.Copy(completed.instance(), completed.id(), primary.name(),
                primary.url(), BackupCopies.State.STORED, clock.instant(), null));
        for (RepositoryConfig target : config.copies().subList(1, config.copies().size())) {
            try {
                long bytes = RepositoryCopy.write(dir, completed.instance(), target);
                backups.copies().record(new BackupCopies.Copy(completed.instance(), completed.id(), target.name(),
                        target.url(), BackupCopies.State.STORED, clock.instant(), null));
                log.info("backup {} copied to repository {} ({}): {} bytes of chunks", completed.id(), target.name(),
                        target.url(), bytes);
            } catch (IOException | RuntimeException e) {
                backups.copies().record(new BackupCopies.Copy(completed.instance(), completed.id(), target.name(),
                        target.url(), BackupCopies.State.INVALID, clock.instant(), "the copy failed: " + e.getMessage()));
                log.error("backup {} could not be copied to repository {} ({}): {}; it lies in {} only",
                        completed.id(), target.name(), target.url(), e.getMessage(), primary.name());
            }
        }
    }

    /** {@code <instance>/<id>}: where a backup's objects lie in the store. */
    static String storePrefix(BackupRecord b) {
        return b.instance() + "/" + b.id();
    }

    /** The store's refusal of our configuration behind {@code e}, or null (an outage, a bug). */
    private static StorageAccessException refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageAccessException a && a.kind() == StorageAccessException.Kind.CONFIG) {
                return a;
            }
        }
        return null;
    }

    /**
     * A failed run's chunks (and small files) never count: its uploads are stopped and what it
     * stored is removed. In a local repository the chunks lie in the run's own folder, which stays
     * for inspection without them; off the host they go through {@link FailedRunObjects}, which
     * notes them for the next start when the store does not answer. Returns what to add to the
     * reason; a run that stored nothing (or none in a store) adds nothing.
     */
    private String removeStored(BackupRecord running) {
        ChunkedWriter chunks = uploading;
        uploading = null;
        if (chunks == null) {
            return "";
        }
        try {
            if (config.repository().isLocal()) {
                chunks.abort();
                return "";
            }
            chunks.stop();
        } catch (IOException e) {
            if (config.repository().isLocal()) {
                log.warn("could not remove the chunks of failed backup {}: {}", running.id(), e.getMessage());
                return "";
            }
            // An upload that may still land: nothing is deleted under it now; a later start does it.
            backups.storeLeftovers().note(running.instance(), running.id(), config.repository().url(),
                    e.getMessage());
            return "; what it stored could not be removed now (" + e.getMessage() + "): the next start removes it";
        }
        return FailedRunObjects.remove(backups, running.instance(), running.id(), config.repository().url());
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

    /** The datadir's size where it is, for progress; -1 when it cannot be read. */
    private static long datadirBytes(EngineHost host, Path datadir) {
        if (host.isLocal()) {
            return DirectorySize.of(datadir);
        }
        try {
            EngineHost.CommandOutput du = host.run(List.of("du", "-sb", datadir.toString()), Duration.ofMinutes(1));
            return du.succeeded() ? Long.parseLong(du.output().strip().split("\\s+")[0]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Runs the engine while a watcher reports how much of the datadir has been copied. */
    private ProcessResult withProgress(long datadirBytes, LongSupplier copied, EngineRun runner) throws IOException {
        progress.start("backup", datadirBytes);
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
