package org.backupscheduler.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * The restore drill's throw-away server on a prepared copy of a backup: a full copy of
 * production, so nobody but this process's own user may reach it.
 *
 * <p>The copy's accounts cannot be used (root there may need a password we do not have, or
 * unix_socket), so the server skips the grant tables; what keeps it private instead is that its
 * only door is a Unix socket inside a 0700 folder ({@code skip-networking}: no TCP listener at
 * all). The folder also holds its option file, pid file, error log and tmpdir, and is removed on
 * close. The copy's datadir stays the caller's.
 */
final class DrillServer implements AutoCloseable {
    /** {@code sun_path} holds 108 bytes with its terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration READY = Duration.ofMinutes(5);
    private static final Duration SHUTDOWN = Duration.ofMinutes(2);

    private final Path home;
    private final ProcessRunner runner;
    private final CompletableFuture<ProcessResult> exit;

    private DrillServer(Path home, ProcessRunner runner, CompletableFuture<ProcessResult> exit) {
        this.home = home;
        this.runner = runner;
        this.exit = exit;
    }

    /**
     * Starts a server on {@code datadir} and waits until it answers. {@code deadline} bounds its
     * whole life: a drill still running then is ended.
     */
    static DrillServer start(Path datadir, Duration deadline) throws IOException {
        Path home = privateHome();
        DrillServer server;
        try {
            Path cnf = home.resolve("my.cnf");
            Files.createDirectory(home.resolve("tmp"));
            Files.write(cnf, optionFile(datadir, home));
            ProcessRunner runner = new ProcessRunner(List.of("mariadbd", "--defaults-file=" + cnf),
                    home.resolve("mariadbd.out"), deadline);
            server = new DrillServer(home, runner, CompletableFuture.supplyAsync(() -> run(runner), DrillServer::thread));
        } catch (IOException | RuntimeException e) {
            OwnedFolders.deleteScratch(home);
            throw e;
        }
        try {
            server.awaitReady();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static ProcessResult run(ProcessRunner runner) {
        try {
            return runner.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The runner waits for the server on a thread of its own, for as long as the drill lasts. */
    private static void thread(Runnable task) {
        Thread t = new Thread(task, "drill-server");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A scratch folder of ours (0700, marked, so only {@link OwnedFolders} removes it) under the
     * temp directory, short enough for a socket path inside it.
     */
    private static Path privateHome() throws IOException {
        Path home = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()
                .resolve("bs-drill-" + Long.toUnsignedString(RANDOM.nextLong(), 36));
        if (home.resolve("mysqld.sock").toString().length() > MAX_SOCKET_PATH) {
            throw new IOException("the temp directory " + home.getParent() + " is too deep for a socket path ("
                    + MAX_SOCKET_PATH + " characters at most); set java.io.tmpdir (-Djava.io.tmpdir=/tmp)");
        }
        OwnedFolders.makeScratch(home);
        return home;
    }

    static List<String> optionFile(Path datadir, Path home) {
        List<String> lines = new ArrayList<>(List.of(
                "[mariadbd]",
                "datadir=" + datadir,
                // No TCP at all: the grant tables are skipped, so a port would let any local
                // user in as root. The socket's 0700 folder admits only our own user.
                "skip-networking",
                "socket=" + home.resolve("mysqld.sock"),
                "skip-grant-tables",
                "pid-file=" + home.resolve("mariadbd.pid"),
                "log-error=" + home.resolve("error.log"),
                "tmpdir=" + home.resolve("tmp"),
                // A copy of a replica keeps its replication settings: never start them; nor the
                // copy's scheduled events, which would write to it.
                "skip-slave-start",
                "event-scheduler=OFF",
                "skip-name-resolve",
                "innodb-buffer-pool-size=128M"));
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to; the copy's files are ours.
            lines.add("user=root");
        }
        lines.add("");
        return lines;
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(READY);
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            if (exit.isDone()) {
                throw new IOException("the drill server exited while starting: " + outcome() + "; log: "
                        + ProcessRunner.tail(errorLog(), 8).replace('\n', '|'));
            }
            try (Connection ignored = connect()) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new IOException("the drill server did not answer on " + socket() + " within " + READY.toMinutes()
                + " min: " + (last == null ? "" : last.getMessage()) + "; log: "
                + ProcessRunner.tail(errorLog(), 8).replace('\n', '|'));
    }

    /** A connection over the drill's socket, as root (the grant tables are skipped). */
    Connection connect() throws SQLException {
        return ServerConnections.open(new Endpoint(null, 0, socket().toString(), "root", ""));
    }

    Path socket() {
        return home.resolve("mysqld.sock");
    }

    private Path errorLog() {
        return home.resolve("error.log");
    }

    /**
     * Shuts the server down by its pid (SIGTERM: a clean shutdown, nothing left half-written),
     * and ends it if it has not exited after {@link #SHUTDOWN}.
     */
    void stop() {
        long pid = runner.pid();
        if (pid > 0 && !exit.isDone()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        try {
            exit.get(SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            runner.cancel();
            exit.exceptionally(failed -> null).join();
        } catch (ExecutionException e) {
            // It could not be started or waited for: awaitReady said so already.
        } catch (InterruptedException e) {
            runner.cancel();
            Thread.currentThread().interrupt();
        }
    }

    /** How the server ended (its deadline, a crash), or null while it runs. */
    String ended() {
        return exit.isDone() ? outcome() : null;
    }

    private String outcome() {
        try {
            return exit.get().describe();
        } catch (ExecutionException | InterruptedException e) {
            return e.getCause() == null ? e.toString() : e.getCause().getMessage();
        }
    }

    /** Stops the server and removes its folder (socket, option file, logs, tmpdir). */
    @Override
    public void close() throws IOException {
        stop();
        OwnedFolders.deleteScratch(home);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
