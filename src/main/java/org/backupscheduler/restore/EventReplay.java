package org.backupscheduler.restore;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.engine.ProcessRunner;

/**
 * Applies events to the side server: the source's process piped into {@code mariadb} on the
 * side server's socket, argv lists both (no shell), both ends' messages into one log. The
 * client stops at the first failing statement, and a transaction cut by the target (its COMMIT
 * after it) is rolled back when the client disconnects: the copy never holds half of one.
 */
final class EventReplay {
    static final String NOT_REACHED = "Did not reach stop position";
    private EventReplay() {
    }

    /** The local client: no option files (a ~/.my.cnf must not redirect it), root over the socket. */
    static List<String> client(Path socket) {
        return List.of("mariadb", "--no-defaults", "--socket=" + socket, "--user=root", "--binary-mode");
    }

    /**
     * Runs {@code events | client} (the client: {@link #client}); throws with both tools' exit
     * status and the log's tail when either fails, or when the events ended short of the target.
     */
    static void apply(List<String> events, List<String> client, Path log, Duration deadline) throws IOException {
        ProcessBuilder reader = new ProcessBuilder(events)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        ProcessBuilder writer = new ProcessBuilder(client)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long logStart = Files.size(log);
        List<Process> pipe = ProcessBuilder.startPipeline(List.of(reader, writer));
        Instant end = Instant.now().plus(deadline);
        try {
            for (Process p : pipe) {
                long left = Math.max(1, Duration.between(Instant.now(), end).toMillis());
                if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
                    pipe.forEach(ProcessRunner::endTree);
                    throw new IOException("applying the events did not finish within " + deadline.toMinutes()
                            + " min; log " + log + ": " + tail(log));
                }
            }
        } catch (InterruptedException e) {
            pipe.forEach(ProcessRunner::endTree);
            Thread.currentThread().interrupt();
            throw new IOException("applying the events was interrupted", e);
        }
        int read = pipe.get(0).exitValue();
        int applied = pipe.get(1).exitValue();
        if (applied != 0) {
            // The client's failure first: the reader then only died of the broken pipe.
            throw new IOException("mariadb exited " + applied + " applying the events (mariadb-binlog exited " + read
                    + "); log " + log + ": " + tail(log));
        }
        if (read != 0) {
            throw new IOException("mariadb-binlog exited " + read + " reading the events; log " + log + ": "
                    + tail(log));
        }
        // mariadb-binlog exits 0 when the events end before a GTID stop position, saying so only
        // on stderr: the copy would silently stop short of the target.
        String said = Files.readString(log).substring((int) Math.min(logStart, Files.size(log)));
        Optional<String> shortOf = said.lines().filter(l -> l.contains(NOT_REACHED) || l.startsWith("ERROR:"))
                .findFirst();
        if (shortOf.isPresent()) {
            throw new IOException("the events ended before the target: mariadb-binlog said '" + shortOf.get().strip()
                    + "'; log " + log);
        }
    }

    private static String tail(Path log) {
        return ProcessRunner.tail(log, 6).replace('\n', '|');
    }
}
