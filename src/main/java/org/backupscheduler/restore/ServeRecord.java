package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.storage.PrivateFiles;

/**
 * Which process {@code restore --serve} left running on a side copy: its pid, when that process
 * started (a pid alone may since belong to another program), and the datadir it was given.
 * Kept in the copy itself, 0600.
 */
record ServeRecord(long pid, long startedAtMillis, String datadir, String socket) {
    static final String FILE = ".backup-scheduler-serve.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** /proc start times are in clock ticks since boot: the two readings may differ by a tick. */
    private static final Duration SAME_START = Duration.ofSeconds(1);

    static Path file(Path datadir) {
        return datadir.toAbsolutePath().resolve(FILE);
    }

    static ServeRecord of(Path datadir, ProcessHandle server) throws IOException {
        Instant started = server.info().startInstant().orElseThrow(() -> new IOException(
                "cannot read the start time of the side server (pid " + server.pid() + ") from /proc"));
        return new ServeRecord(server.pid(), started.toEpochMilli(), datadir.toAbsolutePath().toString(),
                SideServer.socket(datadir).toString());
    }

    void write() throws IOException {
        Path file = file(Path.of(datadir));
        PrivateFiles.createFile(file);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n");
    }

    static Optional<ServeRecord> read(Path datadir) throws IOException {
        Path file = file(datadir);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(file.toFile(), ServeRecord.class));
    }

    /**
     * The recorded server when that very process still runs: same pid, same start time, and
     * started on this datadir. Empty when it ended (a zombie counts as ended).
     *
     * @throws IllegalStateException when the pid now belongs to another process
     */
    Optional<ProcessHandle> running() {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(h -> h.isAlive() && !zombie(pid));
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        ProcessHandle h = handle.get();
        Optional<Instant> started = h.info().startInstant();
        boolean sameStart = started.isPresent() && Duration.between(Instant.ofEpochMilli(startedAtMillis),
                started.get()).abs().compareTo(SAME_START) < 0;
        List<String> argv = argv(pid);
        // The whole argument, not a prefix: --datadir=/srv/x must not match --datadir=/srv/x2.
        if (!sameStart || !argv.contains("--datadir=" + datadir)) {
            throw new IllegalStateException("pid " + pid + " is now another process (started "
                    + started.map(Instant::toString).orElse("at an unknown time") + ", recorded "
                    + Instant.ofEpochMilli(startedAtMillis) + "; command " + String.join(" ", argv) + ")");
        }
        return handle;
    }

    /** The argv of {@code pid}, each argument whole (/proc/PID/cmdline is NUL-separated). */
    private static List<String> argv(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"),
                    StandardCharsets.UTF_8);
            return Arrays.asList(cmdline.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether {@code pid} has exited and waits to be reaped (state Z in /proc/PID/stat). */
    static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
