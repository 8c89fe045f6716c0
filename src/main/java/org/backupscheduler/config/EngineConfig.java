package org.backupscheduler.config;

import java.time.Duration;
import java.util.List;

/** {@code engine:}: which tool, how parallel, extra arguments appended to every backup, at which OS priority. */
public record EngineConfig(String tool, Integer parallel, List<String> extraArgs, Duration logCopyInterval,
                           Compression compress, Priority priority) {

    public static final Duration DEFAULT_LOG_COPY_INTERVAL = Duration.ofMillis(10);

    public EngineConfig {
        tool = tool != null ? tool : "auto";
        parallel = parallel != null ? parallel : 2;
        extraArgs = extraArgs != null ? List.copyOf(extraArgs) : List.of();
        // Measured: the engine's BACKUP STAGE BLOCK_COMMIT holds every commit while it waits for its
        // log copy thread's next pass; 1 s (the engine's default) stalled InnoDB writers ~1 s, 100 ms
        // ~0.11 s, 10 ms 0.015-0.05 s (docs/benchmarks.md).
        logCopyInterval = logCopyInterval != null ? logCopyInterval : DEFAULT_LOG_COPY_INTERVAL;
        compress = compress != null ? compress : Compression.NONE;
        priority = priority != null ? priority : Priority.NORMAL;
    }

    /**
     * The OS priority of the backup's engine (and its zstd): {@code low} runs them under
     * {@code nice -n 19} and {@code ionice -c2 -n7}, so the database server's own threads come first.
     */
    public enum Priority implements ConfigEnum { NORMAL("normal"), LOW("low");
        private final String key;
        Priority(String key) { this.key = key; }
        @Override public String key() { return key; }
    }

    /** {@code none}: the engine's folder of files; {@code zstd}: one stream through {@code zstd}. */
    public enum Compression implements ConfigEnum { NONE("none"), ZSTD("zstd");
        private final String key;
        Compression(String key) { this.key = key; }
        @Override public String key() { return key; }
    }
}
