package org.backupscheduler.engine;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** How an external tool ended: its exit status, whether we ended it, and the tail of its log. */
public record ProcessResult(String tool, int exitCode, boolean timedOut, boolean cancelled, Duration duration,
                            String logTail) {
    private static final Pattern CAUSE = Pattern.compile(
            "\\[ERROR\\]|errno|Access denied|No space|Can't|cannot|Lost connection|server has gone away|Got error",
            Pattern.CASE_INSENSITIVE);

    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !cancelled;
    }

    /** The JVM reports a child ended by signal N as status 128+N. */
    public boolean killedBySignal() {
        return exitCode > 128 && exitCode < 128 + 65;
    }

    /** One line for the catalog's reason: what ended it and the engine's last words. */
    public String describe() {
        String how = timedOut ? tool + " timed out after " + duration.toSeconds() + "s and was ended"
                : cancelled ? tool + " was cancelled after " + duration.toSeconds() + "s"
                : killedBySignal() ? tool + " was killed by signal " + (exitCode - 128)
                        + (exitCode == 137 ? " (SIGKILL)" : "")
                : tool + " exited with status " + exitCode;
        List<String> lines = logTail.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        // The engine's last line is often a generic "failed to copy datafile" or a thread-exit
        // complaint; the line that says why (its [ERROR] line, errno 28, Access denied) comes
        // earlier. Give both.
        String cause = lines.stream().filter(l -> CAUSE.matcher(l).find() && !l.equals(last))
                .reduce((a, b) -> b).orElse(null);
        String words = cause == null ? last : cause + " | " + last;
        return words.isEmpty() ? how : how + ": " + words;
    }
}
