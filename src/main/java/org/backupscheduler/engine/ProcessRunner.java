package org.backupscheduler.engine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external tool from an argv list (never a shell string) with a deadline. Both streams
 * go to a log file, so nothing can fill a pipe and stall the tool; at the deadline, or when
 * cancelled, the whole process tree is ended. {@link #run} waits for the tool; {@link #start}
 * leaves it running (a throw-away server) until {@link #stop}, or its deadline.
 */
public final class ProcessRunner implements EngineRun {
    private static final int TAIL_LINES = 12;

    private final List<String> argv;
    private final Path log;
    private final Duration deadline;
    private volatile Process process;
    private volatile boolean cancelled;

    public ProcessRunner(List<String> argv, Path log, Duration deadline) {
        this.argv = List.copyOf(argv);
        this.log = log;
        this.deadline = deadline;
    }

    /** Starts the tool and waits for it, up to the deadline. */
    @Override
    public ProcessResult run() throws IOException {
        Instant start = Instant.now();
        launch();
        boolean timedOut = false;
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                endTree(process);
            }
            process.waitFor();
        } catch (InterruptedException e) {
            endTree(process);
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
        Process p = launch();
        CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (p.isAlive()) {
                endTree(p);
            }
        });
    }

    /**
     * Asks a started tool to end (SIGTERM), waits up to {@code grace} for it, then ends its tree.
     * Returns at once when it has ended already.
     */
    public void stop(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                endTree(p);
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            endTree(p);
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the started tool still runs. */
    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The exit status of a tool that has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    private Process launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        process = p;
        if (cancelled) {
            endTree(p); // cancelled while starting: cancel() saw no process yet
        }
        return p;
    }

    /** Ends the tool and its children now (run timeout, shutdown). Safe to call from any thread. */
    @Override
    public void cancel() {
        cancelled = true;
        Process p = process;
        if (p != null) {
            endTree(p);
        }
    }

    /** The running tool's pid, or -1 before it started. */
    public long pid() {
        Process p = process;
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
