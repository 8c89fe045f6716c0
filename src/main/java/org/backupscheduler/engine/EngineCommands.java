package org.backupscheduler.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the engine's argv for each operation. The credentials option always comes first (the
 * engine only honours {@code --defaults-extra-file} in first position), and the datadir is
 * always explicit: without it {@code --copy-back} silently targets /var/lib/mysql.
 */
public final class EngineCommands {
    private final EngineTool tool;

    public EngineCommands(EngineTool tool) {
        this.tool = tool;
    }

    public List<String> backup(BackupRequest r, EngineCredentials credentials) {
        List<String> argv = new ArrayList<>(List.of(tool.path().toString(), credentials.option(), "--backup",
                "--target-dir=" + r.targetDir(), "--datadir=" + r.datadir(), "--parallel=" + r.parallel()));
        if (r.logCopyInterval() != null) {
            // A short redo-copy interval shortens the final lock phase (measured: 1 s -> 0.1 s stall).
            argv.add("--log-copy-interval=" + r.logCopyInterval().toMillis());
        }
        if (r.incrementalBase() != null) {
            argv.add("--incremental-basedir=" + r.incrementalBase());
        }
        if (r.replicaSource()) {
            argv.add("--slave-info");
        }
        if (r.safeSlaveBackup()) {
            argv.add("--safe-slave-backup");
        }
        argv.addAll(r.extraArgs());
        return argv;
    }

    /**
     * A backup written as one stream to the engine's stdout instead of a folder of files.
     * {@code --target-dir} still holds the engine's temporary files; {@code --extra-lsndir} gets a
     * copy of the checkpoints and info files, so the catalog row can be filled without extracting.
     * Null {@code extraLsnDir} (an engine on another host): the stream's own copies serve.
     */
    public List<String> streamedBackup(BackupRequest r, EngineCredentials credentials, Path extraLsnDir) {
        List<String> argv = backup(r, credentials);
        // After --backup and before the extra args, so a user's own options still come last.
        int at = argv.indexOf("--backup") + 1;
        argv.add(at, "--stream=" + tool.flavor().streamFormat());
        if (extraLsnDir != null) {
            argv.add(at + 1, "--extra-lsndir=" + extraLsnDir);
        }
        return argv;
    }

    /** Extracts a stream read from stdin into {@code dir} (which must exist). */
    public List<String> extractStream(Path dir) {
        return List.of(tool.streamTool().toString(), "-x", "-C", dir.toString());
    }

    /**
     * Prepares {@code dir} in place (the caller gives a scratch copy, never the stored backup).
     * {@code incrementalDir} applies one delta onto an already prepared full; {@code moreFollow}
     * tells XtraBackup not to roll back yet.
     */
    public List<String> prepare(Path dir, Path incrementalDir, boolean moreFollow) {
        return prepare(dir, incrementalDir, moreFollow, 0);
    }

    /**
     * As {@link #prepare(Path, Path, boolean)}, with {@code --use-memory} (the buffer pool crash
     * recovery runs in) of {@code useMemoryBytes}, given in whole MiB; 0: the engine's default.
     */
    public List<String> prepare(Path dir, Path incrementalDir, boolean moreFollow, long useMemoryBytes) {
        List<String> argv = new ArrayList<>(List.of(tool.path().toString(), "--prepare", "--target-dir=" + dir));
        if (useMemoryBytes > 0) {
            argv.add("--use-memory=" + useMemoryBytes / PrepareMemory.MIB + "M");
        }
        if (incrementalDir != null) {
            argv.add("--incremental-dir=" + incrementalDir);
        }
        if (moreFollow && tool.flavor().needsApplyLogOnly()) {
            argv.add("--apply-log-only");
        }
        return argv;
    }

    /** Copies a prepared backup into an empty datadir, which must be given. */
    public List<String> copyBack(Path preparedDir, Path datadir, int parallel) {
        if (datadir == null) {
            throw new IllegalArgumentException("copy-back needs an explicit datadir");
        }
        return List.of(tool.path().toString(), "--copy-back", "--target-dir=" + preparedDir, "--datadir=" + datadir,
                "--parallel=" + parallel);
    }

    /** Moves a prepared backup into an empty datadir on the same file system (consumes its input). */
    public List<String> moveBack(Path preparedDir, Path datadir) {
        if (datadir == null) {
            throw new IllegalArgumentException("move-back needs an explicit datadir");
        }
        return List.of(tool.path().toString(), "--move-back", "--target-dir=" + preparedDir, "--datadir=" + datadir);
    }

    public EngineTool tool() {
        return tool;
    }
}
