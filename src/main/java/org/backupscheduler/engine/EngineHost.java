package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.server.Endpoint;

/**
 * Where the engine runs: this host ({@link #LOCAL}), or the database host over SSH
 * ({@link SshHost}, {@code source.ssh}). The engine's argv is built once ({@link EngineCommands})
 * and started here; whatever the host, the stream comes back as the process's stdout, its log
 * into the backup's log, and a deadline or a cancel ends it there.
 */
public interface EngineHost extends AutoCloseable {
    EngineHost LOCAL = new LocalHost();

    /** Where the tool's standard output goes. */
    enum Output { PIPE, LOG }

    /** Starts {@code argv} there with an empty stdin; stderr (and stdout when {@code LOG}) appended to {@code log}. */
    EngineProcess start(List<String> argv, Path log, Output stdout) throws IOException;

    /** A short command there (a version, free space): its exit status and output, stderr included. */
    CommandOutput run(List<String> argv, Duration deadline) throws IOException;

    /** The engine named by {@code engine.tool} (auto, a name, a path) there, with its version. */
    EngineTool locate(String configured);

    /**
     * Credentials for {@code source} and a temporary folder for one engine run there;
     * {@code localTemp} is the folder a local run uses.
     */
    EngineWorkspace workspace(Endpoint source, Flavor flavor, Path localTemp) throws IOException;

    boolean isLocal();

    /** "this host", or "ssh backup@db1:22", for messages. */
    String describe();

    @Override
    void close();

    /** What a short command said. */
    record CommandOutput(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }
}
