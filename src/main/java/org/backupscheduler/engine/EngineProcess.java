package org.backupscheduler.engine;

import java.io.InputStream;
import java.time.Duration;

/**
 * A tool started by an {@link EngineHost}: a process of this host, or a command run on a database
 * host through an SSH exec channel. Its stdin is empty; stderr goes to the log it was started with.
 */
public interface EngineProcess {
    /** Its standard output (empty when it was sent to the log). */
    InputStream stdout();

    /** Waits up to {@code limit}; true when it ended. */
    boolean waitFor(Duration limit) throws InterruptedException;

    /** Waits until it ended. */
    default void waitFor() throws InterruptedException {
        while (!waitFor(Duration.ofDays(1))) {
            // still running: an engine may run for days, and the caller's deadline ends it
        }
    }

    /** Its exit status; 128+N when signal N ended it. Only after it ended. */
    int exitValue();

    /** Ends it and its children now, from any thread. */
    void endTree();

    /** Asks it to end (SIGTERM where it can be sent); {@link #endTree} where it cannot. */
    default void terminate() {
        endTree();
    }

    /** Its pid on the host it runs on, or -1 while unknown. */
    long pid();
}
