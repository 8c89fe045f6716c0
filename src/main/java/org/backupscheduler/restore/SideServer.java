package org.backupscheduler.restore;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * A server of ours on a side copy's datadir. Its only door is a Unix socket inside that datadir
 * ({@code skip-networking}: no TCP listener at all); the folder is 0700, so only this OS user
 * reaches it. All options are on its argv (no option file: nothing of a host's my.cnf applies,
 * and there is no secret among them); its pid file and error log are in the datadir too.
 *
 * <p>Two ways to run: {@link Mode#APPLYING} skips the grant tables (the copy's accounts may
 * need passwords we do not have) for the events to be applied as root, and is stopped again by
 * this process; {@link Mode#SERVING} checks the copy's own grants and is left running for the
 * DBA, its pid in {@link ServeRecord} so that {@code restore --stop} ends exactly it.
 */
final class SideServer {
    /** {@code sun_path} holds 108 bytes with its terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    static final String SOCKET = "mysqld.sock";
    static final String ERROR_LOG = "side-server.err";
    private static final Duration READY = Duration.ofMinutes(5);
    static final Duration SHUTDOWN = Duration.ofMinutes(2);
    /** Access denied: the server answers, it just does not know us (SERVING checks grants). */
    private static final List<Integer> ANSWERS_BUT_REFUSES = List.of(1045, 1698);

    enum Mode { APPLYING, SERVING }

    private final Path datadir;
    private final Process process;

    private SideServer(Path datadir, Process process) {
        this.datadir = datadir;
        this.process = process;
    }

    static Path socket(Path datadir) {
        return datadir.toAbsolutePath().resolve(SOCKET);
    }

    /** Why a server cannot listen on a socket in {@code datadir}, or null when it can. */
    static String socketTooLong(Path datadir) {
        int length = socket(datadir).toString().length();
        return length <= MAX_SOCKET_PATH ? null : "the socket path " + socket(datadir) + " is " + length
                + " characters, and a Unix socket path holds " + MAX_SOCKET_PATH + " at most";
    }

    static List<String> argv(Path datadir, Mode mode) {
        Path dir = datadir.toAbsolutePath();
        List<String> argv = new ArrayList<>(List.of("mariadbd", "--no-defaults",
                "--datadir=" + dir,
                // No TCP at all; the socket's 0700 folder admits only our own user.
                "--skip-networking",
                "--socket=" + socket(dir),
                "--pid-file=" + dir.resolve("side-server.pid"),
                "--log-error=" + dir.resolve(ERROR_LOG),
                // A copy of a replica keeps its replication settings: never start them; nor the
                // copy's scheduled events, which would write to it.
                "--skip-slave-start",
                "--event-scheduler=OFF",
                "--innodb-buffer-pool-size=128M"));
        if (mode == Mode.APPLYING) {
            argv.add("--skip-grant-tables");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to; the copy's files are ours.
            argv.add("--user=root");
        }
        return argv;
    }

    /** Starts a server on {@code datadir} and waits until it answers on its socket. */
    static SideServer start(Path datadir, Mode mode) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv(datadir, mode)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(datadir.resolve(ERROR_LOG).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        SideServer server = new SideServer(datadir, pb.start());
        try {
            server.awaitReady(mode);
            return server;
        } catch (IOException | RuntimeException e) {
            ProcessRunner.endTree(server.process);
            throw e;
        }
    }

    private void awaitReady(Mode mode) throws IOException {
        Instant deadline = Instant.now().plus(READY);
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the side server on " + datadir + " exited " + process.exitValue()
                        + " while starting; " + ERROR_LOG + ": " + logTail());
            }
            try (Connection ignored = ServerConnections.open(new Endpoint(null, 0, socket(datadir).toString(),
                    "root", ""))) {
                return;
            } catch (SQLException e) {
                if (mode == Mode.SERVING && ANSWERS_BUT_REFUSES.contains(e.getErrorCode())) {
                    return;
                }
                last = e;
            }
            sleep(100);
        }
        throw new IOException("the side server on " + datadir + " did not answer on " + socket(datadir) + " within "
                + READY.toMinutes() + " min: " + (last == null ? "" : last.getMessage()) + "; " + ERROR_LOG + ": "
                + logTail());
    }

    /** What the step log prints. */
    @Override
    public String toString() {
        return "answering on " + socket(datadir) + " (pid " + process.pid() + ")";
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * A clean shutdown (SIGTERM to our own child: InnoDB flushes, nothing half-written); an
     * exception when it does not exit 0 within {@link #SHUTDOWN}, after ending it.
     */
    void stop() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS)) {
                ProcessRunner.endTree(process);
                throw new IOException("the side server on " + datadir + " did not stop within "
                        + SHUTDOWN.toSeconds() + "s of SIGTERM and was killed; the copy needs crash recovery");
            }
        } catch (InterruptedException e) {
            ProcessRunner.endTree(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the side server stopped", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("the side server on " + datadir + " exited " + process.exitValue()
                    + " on shutdown; " + ERROR_LOG + ": " + logTail());
        }
    }

    private String logTail() {
        return ProcessRunner.tail(datadir.resolve(ERROR_LOG), 8).replace('\n', '|');
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
