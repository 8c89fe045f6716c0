package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What one engine run needs on the host it runs on: its credentials in a 0600 file and a folder
 * for its temporary files. Closing removes the credentials (the folder once it is empty).
 */
public interface EngineWorkspace extends EngineCredentials, AutoCloseable {
    /** The engine's {@code --target-dir} there. */
    Path tempDir();

    /**
     * The folder {@code --incremental-basedir} names there: the parent's engine files
     * ({@code localEngineFiles} here), copied over first when the engine runs on another host.
     */
    Path incrementalBase(Path localEngineFiles) throws IOException;

    @Override
    void close() throws IOException;
}
