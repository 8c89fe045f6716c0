package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.Coordinates;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineFiles;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.server.ServerFacts;
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

    public BackupWorkflow(BackupConfig config, Backups backups, EngineTool tool, Endpoint source,
                          ProgressListener progress, Clock clock) {
        this.config = config;
        this.backups = backups;
        this.tool = tool;
        this.source = source;
        this.progress = progress;
        this.clock = clock;
    }

    public BackupOutcome run(BackupType type) throws IOException {
        RepositoryLayout layout = new RepositoryLayout(config.instanceDir());
        RepositoryLayout.createPrivateDir(layout.instanceDir());

        // Reserve the id and the folder, and record RUNNING before anything else can fail, so
        // that every attempt, even one refused by the server, leaves a row saying why.
        Instant started = clock.instant();
        String id = BackupIds.next(layout.instanceDir(), type, started);
        Path dir = layout.backupDir(id);
        RepositoryLayout.createPrivateDir(dir);
        BackupRecord running = new BackupRecord(config.instance(), id, type, null, BackupStatus.RUNNING, started,
                null, null, null, tool.name(), tool.version(), null, null, Coordinates.NONE, source.address(), null,
                dir.toString(), null);
        backups.insert(running, ProcessIdentity.current());
        MDC.put("backup", id);
        try {
            return new BackupOutcome(copy(running, dir));
        } catch (RuntimeException | IOException e) {
            // Whatever went wrong, the row must not stay RUNNING.
            BackupRecord failed = running.withStatus(BackupStatus.FAILED, "backup-scheduler error: " + e.getMessage());
            backups.update(finished(failed));
            throw e;
        } finally {
            MDC.remove("backup");
        }
    }

    private BackupRecord copy(BackupRecord running, Path dir) throws IOException {
        // 1. Ask the source where its datadir is: the engine must be told explicitly.
        ServerFacts facts;
        try (Connection c = ServerConnections.open(source)) {
            facts = ServerFacts.read(c);
        } catch (SQLException e) {
            return fail(running, "cannot connect to source " + source.address() + " as " + source.user() + ": "
                    + e.getMessage());
        }
        Path datadir = config.source().datadir() != null ? config.source().datadir() : facts.datadir();
        log.info("backing up {} ({}) from datadir {} with {}", source.address(), facts.version(), datadir, tool);

        // 2. Run the engine: credentials in a 0600 file, its own log beside the backup.
        Path data = RepositoryLayout.dataDir(dir);
        Path engineLog = RepositoryLayout.log(dir);
        RepositoryLayout.createPrivateFile(engineLog);
        BackupRequest request = new BackupRequest(data, datadir, config.engine().parallel(),
                config.engine().logCopyInterval(), null, false, false, config.engine().extraArgs());
        ProcessResult result;
        try (CredentialsFile credentials = CredentialsFile.write(source)) {
            List<String> argv = new EngineCommands(tool).backup(request, credentials);
            ProcessRunner runner = new ProcessRunner(argv, engineLog, config.schedule().runTimeout());
            result = withProgress(datadir, data, runner);
        }
        if (!result.succeeded()) {
            return fail(running, result.describe());
        }

        // 3. Read what the engine says it copied, then checksum every file into the manifest.
        EngineFiles files = EngineFiles.read(data, tool.flavor());
        RepositoryLayout.restrict(dir);
        Instant finished = clock.instant();
        Coordinates coordinates = files.binlog().orElse(Coordinates.NONE);
        Manifest manifest = new Manifest(Manifest.FORMAT, config.instance(), running.id(), running.type().word(),
                running.parentId(), tool.name(), tool.version(), running.startedAt(), finished,
                files.checkpoints().fromLsn(), files.checkpoints().toLsn(), coordinates.binlogFile(),
                coordinates.binlogPosition(), coordinates.gtid(), source.address(), facts.serverId(),
                Inventory.of(data), FileChecksums.ALGORITHM, FileChecksums.scan(dir, done -> { }));
        manifest.write(dir);
        BackupRecord completed = new BackupRecord(running.instance(), running.id(), running.type(),
                running.parentId(), BackupStatus.COMPLETED, running.startedAt(), finished, manifest.totalBytes(),
                manifest.files().size(), tool.name(), tool.version(), files.checkpoints().fromLsn(),
                files.checkpoints().toLsn(), coordinates, source.address(), facts.serverId(), dir.toString(), null);
        backups.update(completed);
        log.info("backup {} COMPLETED: {} files, {} bytes in {}s, binlog {}", running.id(), manifest.files().size(),
                manifest.totalBytes(), Duration.between(running.startedAt(), finished).toSeconds(), coordinates);
        return completed;
    }

    /** Runs the engine while a watcher reports how much of the datadir has been copied. */
    private ProcessResult withProgress(Path datadir, Path target, ProcessRunner runner) throws IOException {
        progress.start("backup", DirectorySize.of(datadir));
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backup-progress");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleAtFixedRate(() -> progress.update(Math.max(0, DirectorySize.of(target))), 1, 1,
                TimeUnit.SECONDS);
        try {
            return runner.run();
        } finally {
            watcher.shutdownNow();
            progress.finish();
        }
    }

    private BackupRecord fail(BackupRecord running, String reason) {
        log.error("backup {} FAILED: {}", running.id(), reason);
        BackupRecord failed = finished(running.withStatus(BackupStatus.FAILED, reason));
        backups.update(failed);
        return failed;
    }

    private BackupRecord finished(BackupRecord b) {
        return new BackupRecord(b.instance(), b.id(), b.type(), b.parentId(), b.status(), b.startedAt(),
                clock.instant(), b.sizeBytes(), b.fileCount(), b.tool(), b.toolVersion(), b.fromLsn(), b.toLsn(),
                b.coordinates(), b.sourceAddress(), b.sourceServerId(), b.path(), b.reason());
    }
}
