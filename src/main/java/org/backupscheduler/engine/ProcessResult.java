package org.backupscheduler.engine;

import java.time.Duration;

/** How an external tool ended: its exit status, whether we ended it, and the tail of its log. */
public record ProcessResult(String tool, int exitCode, boolean timedOut, boolean cancelled, Duration duration,
                            String logTail) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !cancelled;
    }

    /** One line for the catalog's reason: what ended it and the engine's last words. */
    public String describe() {
        String how = timedOut ? tool + " timed out after " + duration.toSeconds() + "s and was ended"
                : cancelled ? tool + " was cancelled after " + duration.toSeconds() + "s"
                : tool + " exited with status " + exitCode;
        String last = logTail.lines().reduce((a, b) -> b).orElse("");
        return last.isEmpty() ? how : how + ": " + last.strip();
    }
}
