package org.backupscheduler.engine;

/** The engine's credentials as one option, which must come first on its command line. */
public interface EngineCredentials {
    /** {@code --defaults-extra-file=FILE}, FILE 0600 on the host the engine runs on. */
    String option();
}
