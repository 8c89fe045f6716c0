package org.backupscheduler.engine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.config.EngineConfig;

/**
 * Runs an external tool from an argv list (never a shell string) with a deadline, on this host or
 * on the one an {@link EngineHost} names. Both streams go to a log file, so nothing can fill a pipe
 * and stall the tool; at the deadline, or when cancelled, the whole process tree is ended.
 * {@link #run} waits for the tool; {@link #start} leaves it running (a throw-away server) until
 * {@link #stop}, or its deadline.
 */
public final class ProcessRunner implements EngineRun {
    private static final int TAIL_LINES = 12;

    private final List<String> argv;
    private final Path log;
    private final Duration deadline;
    private final EngineHost host;
    private volatile EngineProcess process;
    private volatile boolean cancelled;

    private final EngineConfig.Priority priority;

    public ProcessRunner(List<String> argv, Path log, Duration deadline) {
        this(EngineHost.LOCAL, argv, log, deadline, EngineConfig.Priority.NORMAL);
    }

    /** As above, the tool started at {@code priority} ({@link #at}). */
    public ProcessRunner(List<String> argv, Path log, Duration deadline, EngineConfig.Priority priority) {
        this(EngineHost.LOCAL, argv, log, deadline, priority);
    }

    public ProcessRunner(EngineHost host, List<String> argv, Path log, Duration deadline) {
        this(host, argv, log, deadline, EngineConfig.Priority.NORMAL);
    }

    /** On {@code host}, at {@code priority}. */
    public ProcessRunner(EngineHost host, List<String> argv, Path log, Duration deadline,
                         EngineConfig.Priority priority) {
        this.host = host;
        this.argv = List.copyOf(argv);
        this.log = log;
        this.deadline = deadline;
        this.priority = priority;
    }

    /**
     * The argv that starts {@code argv} at {@code priority}: itself, or at {@code low} under
     * {@code nice -n 19} and {@code ionice -c2 -n7 -t} (best effort, lowest; {@code -t}: run anyway
     * where the I/O scheduler cannot be told). Both exec the tool, so its pid, its exit status and
     * the tree that a deadline ends are the tool's own.
     */
    public static List<String> at(EngineConfig.Priority priority, List<String> argv) {
        if (priority != EngineConfig.Priority.LOW) {
            return List.copyOf(argv);
        }
        List<String> wrapped = new ArrayList<>(List.of("nice", "-n", "19", "ionice", "-c2", "-n7", "-t"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Starts the tool and waits for it, up to the deadline. */
    @Override
    public ProcessResult run() throws IOException {
        Instant start = Instant.now();
        launch();
        boolean timedOut = false;
        try {
            if (!process.waitFor(deadline)) {
                timedOut = true;
                process.endTree();
            }
            process.waitFor();
        } catch (InterruptedException e) {
            process.endTree();
            Thread.currentThread().interrupt();
            throw new IOException(name() + " interrupted", e);
        }
        return new ProcessResult(name(), process.exitValue(), timedOut, cancelled,
                Duration.between(start, Instant.now()), tail(log, TAIL_LINES));
    }

    /**
     * Starts the tool and returns at once, for a server that runs until {@link #stop}: a caller
     * that dies or forgets cannot leave it running past the deadline, when its tree is ended.
     */
    public void start() throws IOException {
        EngineProcess p = launch();
        CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS).execute(p::endTree);
    }

    /**
     * Asks a started tool to end (SIGTERM), waits up to {@code grace} for it, then ends its tree.
     * Returns at once when it has ended already.
     */
    public void stop(Duration grace) {
        EngineProcess p = process;
        if (p == null || !isAlive()) {
            return;
        }
        p.terminate();
        try {
            if (!p.waitFor(grace)) {
                p.endTree();
                p.waitFor(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            p.endTree();
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the started tool still runs. */
    public boolean isAlive() {
        EngineProcess p = process;
        try {
            return p != null && !p.waitFor(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The exit status of a tool that has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    private EngineProcess launch() throws IOException {
        EngineProcess p = host.start(at(priority, argv), log, EngineHost.Output.LOG);
        process = p;
        if (cancelled) {
            p.endTree(); // cancelled while starting: cancel() saw no process yet
        }
        return p;
    }

    /** Ends the tool and its children now (run timeout, shutdown). Safe to call from any thread. */
    @Override
    public void cancel() {
        cancelled = true;
        EngineProcess p = process;
        if (p != null) {
            p.endTree();
        }
    }

    /** The running tool's pid, or -1 before it started. */
    public long pid() {
        EngineProcess p = process;
        return p == null ? -1 : p.pid();
    }

    private String name() {
        return Path.of(argv.get(0)).getFileName().toString();
    }

    /** Children first, so none is re-parented and left running when its parent goes. */
    public static void endTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** The last lines of a log file, read from its end (logs can be large). */
    public static String tail(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.min(length, 16 * 1024);
            byte[] buf = new byte[size];
            raf.seek(length - size);
            raf.readFully(buf);
            List<String> all = new String(buf, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + file + " unreadable: " + e.getMessage() + ")";
        }
    }
}
