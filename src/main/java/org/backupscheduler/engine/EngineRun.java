package org.backupscheduler.engine;

import java.io.IOException;

/**
 * An engine run the workflow can wait for and cancel: a plain {@link ProcessRunner}, or a
 * pipeline that streams the engine's output through a compressor.
 */
public interface EngineRun {
    /** Runs to the end (or the deadline) and says how the engine ended. */
    ProcessResult run() throws IOException;

    /** Ends the run now, from any thread (run timeout, lock policy, shutdown). */
    void cancel();
}
