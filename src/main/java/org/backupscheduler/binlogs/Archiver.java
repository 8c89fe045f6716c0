package org.backupscheduler.binlogs;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.config.BinlogsConfig;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an instance's binlogs archived while the daemon runs. In stream mode one
 * {@code mariadb-binlog --read-from-remote-server --raw --stop-never} follows the server; a
 * pass every second seals the files it has finished and stores the open file's prefix at least
 * every {@code max-delay}. When the tool ends (the connection dropped, the server restarted) it is
 * started again with back-off (1 s doubling to 60 s), from the file after the newest sealed one.
 * In poll mode the server's log is flushed every {@code interval} and the closed files copied.
 */
public final class Archiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Archiver.class);
    static final String TOOL = "mariadb-binlog";
    private static final Duration FOREVER = Duration.ofDays(36500);
    /** A pull --once (or a poll) reads closed files and ends; it must not hang on a dead server. */
    private static final Duration PULL_DEADLINE = Duration.ofHours(1);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final Archive archive;
    private final Staging staging;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile ProcessRunner tool;
    private volatile int starts;

    private Archiver(Archive archive, Staging staging) {
        this.archive = archive;
        this.staging = staging;
        this.thread = new Thread(this::supervise, "binlog-archiver-" + archive.instance());
        this.thread.setDaemon(true);
    }

    /** Starts archiving in the background; refuses (exit 4) while another archiver of the instance runs. */
    public static Archiver start(Archive archive) throws IOException {
        recoverIndex(archive);
        Archiver a = new Archiver(archive, Staging.take(archive.workDir(), archive.sealing()));
        a.thread.start();
        return a;
    }

    /**
     * A process killed between a file's {@code .json} entry in the store and its catalog row left
     * a sealed file the catalog does not know: its row is made again from the store first, so the
     * next pass neither fetches it twice nor counts it missing.
     */
    private static void recoverIndex(Archive archive) throws IOException {
        int added = BinlogIndex.rebuild(archive.store(), archive.catalog().binlogFiles(), archive.instance());
        if (added > 0) {
            log.info("binlog archive: {} sealed file(s) found in the store without their catalog row: indexed again",
                    added);
        }
    }

    /** What one pass archived: the files sealed, and the open file whose prefix was stored (or null). */
    public record Pulled(List<String> sealed, String open) {
    }

    /**
     * One archiving pass, for cron or before maintenance: reads from the first file not yet
     * sealed to the end of the server's newest, seals every closed file and stores the open one's
     * prefix. Refuses (exit 4) while the daemon's archiver runs.
     */
    public static Pulled pullOnce(Archive archive) throws IOException {
        try (Staging staging = Staging.take(archive.workDir(), archive.sealing())) {
            recoverIndex(archive);
            staging.recover();
            ProcessResult r = runTool(archive, staging, false, null);
            if (!r.succeeded()) {
                throw toolFailed(r);
            }
            List<String> sealed = new ArrayList<>();
            staging.pass(Duration.ZERO, archive.clock().instant()).forEach(row -> sealed.add(row.fileName()));
            List<BinlogFileRecord> rows = archive.catalog().binlogFiles().list(archive.instance());
            BinlogFileRecord last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            return new Pulled(sealed, last != null && !last.sealed() ? last.fileName() : null);
        }
    }

    /** How many times the tool has been started (tests watch a restart). */
    public int starts() {
        return starts;
    }

    /** The running tool's pid, or -1 between runs. */
    public long toolPid() {
        ProcessRunner t = tool;
        return t == null ? -1 : t.pid();
    }

    private void supervise() {
        Duration backoff = TICK;
        while (!stopping) {
            Instant began = Instant.now();
            try {
                if (archive.config().mode() == BinlogsConfig.Mode.POLL) {
                    SourceLogs.flush(archive.source());
                }
                ProcessResult r = runTool(archive, staging, archive.config().mode() == BinlogsConfig.Mode.STREAM, this);
                if (!stopping && archive.config().mode() == BinlogsConfig.Mode.STREAM) {
                    log.warn("{} stopped following {}: {}; starting it again in {}s", TOOL, archive.source().address(),
                            r.describe(), backoff.toSeconds());
                } else if (!r.succeeded() && !stopping) {
                    log.warn("binlog poll of {} failed: {}", archive.source().address(), r.describe());
                }
            } catch (IOException | SQLException | RuntimeException e) {
                log.warn("binlog archiver of {}: {}; trying again in {}s", archive.instance(), e.getMessage(),
                        backoff.toSeconds());
            }
            Duration wait;
            if (archive.config().mode() == BinlogsConfig.Mode.POLL) {
                wait = archive.config().interval();
            } else {
                // A tool that ran a while had a working connection: the next failure starts afresh.
                backoff = Duration.between(began, Instant.now()).compareTo(MAX_BACKOFF) > 0 ? TICK : backoff;
                wait = backoff;
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
            sleep(wait);
        }
    }

    /**
     * Runs the tool once from the first unsealed file. Streaming ({@code follow}), it runs until
     * it ends or the archiver stops, with a pass every second; else it reads to the end of the
     * server's newest file and stops. Either way the last pass seals what it finished.
     */
    private static ProcessResult runTool(Archive archive, Staging staging, boolean follow, Archiver owner)
            throws IOException {
        staging.recover();
        String first;
        try {
            first = StartFile.choose(archive.catalog().binlogFiles().list(archive.instance()),
                    SourceLogs.list(archive.source()));
        } catch (SQLException e) {
            throw new UserError("cannot list the binlogs of " + archive.source().address() + ": " + e.getMessage(),
                    "check source: in the config and that the account has BINLOG MONITOR", UserError.FAILED, e);
        }
        try (CredentialsFile credentials = CredentialsFile.write(archive.source())) {
            List<String> argv = new ArrayList<>(List.of(TOOL, credentials.option(), "--read-from-remote-server",
                    "--raw", "--result-file=" + staging.filesDir() + "/"));
            if (follow) {
                // MariaDB 10.11's mariadb-binlog spells --connection-server-id this way.
                argv.addAll(List.of("--stop-never", "--stop-never-slave-server-id=" + archive.connectionServerId()));
            } else {
                argv.add("--to-last-log");
            }
            argv.add(first);
            ProcessRunner runner = new ProcessRunner(argv, staging.toolLog(), follow ? FOREVER : PULL_DEADLINE);
            if (owner == null) {
                return finish(staging, runner.run());
            }
            owner.tool = runner;
            owner.starts++;
            log.info("{} follows {} from {} (connection server id {})", TOOL, archive.source().address(), first,
                    archive.connectionServerId());
            CompletableFuture<ProcessResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.run();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Duration openEvery = archive.config().maxDelay().minus(TICK);
            boolean noted = false;
            while (true) {
                if (!noted && runner.pid() != -1) {
                    ProcessHandle.of(runner.pid()).ifPresent(p -> {
                        try {
                            staging.noteTool(p);
                        } catch (IOException e) {
                            log.warn("cannot note {}'s pid: {}", TOOL, e.getMessage());
                        }
                    });
                    noted = true;
                }
                try {
                    ProcessResult r = running.get(TICK.toMillis(), TimeUnit.MILLISECONDS);
                    owner.tool = null;
                    return finish(staging, r);
                } catch (TimeoutException e) {
                    if (owner.stopping) {
                        runner.cancel(); // the next get returns its end, and the last pass runs
                    } else {
                        staging.pass(openEvery, Instant.now());
                    }
                } catch (InterruptedException e) {
                    runner.cancel();
                } catch (ExecutionException e) {
                    throw new IOException(TOOL + " could not be run: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    /** After the tool ended: seal what it finished, store what it had of the open file. */
    private static ProcessResult finish(Staging staging, ProcessResult r) throws IOException {
        staging.pass(Duration.ZERO, Instant.now());
        return r;
    }

    static UserError toolFailed(ProcessResult r) {
        String hint = r.logTail().contains("REPLICATION SLAVE")
                ? "grant the account REPLICATION SLAVE (it reads binlogs as a replica does): "
                        + "GRANT REPLICATION SLAVE ON *.* TO <source.user>"
                : "check that the server is reachable and has binlogs; the tool's log is in the staging folder";
        return new UserError("archiving binlogs failed: " + r.describe(), hint, UserError.FAILED);
    }

    /** Waits, but not past a stop: the archiver is never interrupted, which would break a store's write. */
    private void sleep(Duration d) {
        Instant until = Instant.now().plus(d);
        while (!stopping && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Ends the tool, seals what it finished and stores the open file's prefix, then returns. */
    @Override
    public void close() {
        stopping = true;
        ProcessRunner t = tool;
        if (t != null) {
            t.cancel();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        staging.close();
    }
}
