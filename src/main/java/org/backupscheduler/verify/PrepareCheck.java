package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;

/**
 * Prepares a scratch copy with the engine, as a restore would: the full, then each incremental of
 * the chain in order. Proof that crash recovery applies cleanly to what was copied.
 */
public final class PrepareCheck {
    /** mariabackup and xtrabackup end a good prepare with this line. */
    static final String COMPLETED = "completed OK!";

    private PrepareCheck() {
    }

    /**
     * Prepares {@code chain} (full first) into {@code scratch}/data; returns the problem, or null
     * when the engine finished cleanly.
     */
    public static String prepare(EngineTool tool, List<BackupRecord> chain, Scratch scratch, Duration timeout)
            throws IOException {
        // [compress] WorkingCopy copies data/, or extracts a compressed backup's stream.
        return prepare(tool, chain, scratch, timeout, 0,
                (i, name) -> WorkingCopy.of(tool, Path.of(chain.get(i).path()), scratch, name, timeout));
    }

    /** Where link {@code i} of the chain lies in the scratch folder, laid out as {@code name} when asked. */
    public interface Layout {
        Path of(int i, String name) throws IOException;
    }

    /**
     * As {@link #prepare(EngineTool, List, Scratch, Duration)}, each link laid out by
     * {@code layout} ("data" for the full, "incremental-N" after), the engine given
     * {@code --use-memory} of {@code useMemoryBytes} (0: its default).
     */
    public static String prepare(EngineTool tool, List<BackupRecord> chain, Scratch scratch, Duration timeout,
            long useMemoryBytes, Layout layout) throws IOException {
        Path target;
        try {
            target = layout.of(0, "data");
        } catch (WorkingCopy.Unreadable e) {
            return "prepare of " + chain.get(0).id() + ": " + e.getMessage();
        }
        Path log = scratch.dir().resolve("prepare.log");
        RepositoryLayout.createPrivateFile(log);
        EngineCommands commands = new EngineCommands(tool);
        for (int i = 0; i < chain.size(); i++) {
            // The engine consumes an incremental it applies (it renames and removes its .delta and
            // .new files): apply a copy, never the stored one.
            Path incremental;
            try {
                incremental = i == 0 ? null : layout.of(i, "incremental-" + i);
            } catch (WorkingCopy.Unreadable e) {
                return "applying incremental " + chain.get(i).id() + ": " + e.getMessage();
            }
            boolean moreFollow = i < chain.size() - 1;
            long logStart = Files.size(log);
            ProcessResult result = new ProcessRunner(commands.prepare(target, incremental, moreFollow,
                    useMemoryBytes), log, timeout)
                    .run();
            String step = i == 0 ? "prepare of " + chain.get(0).id() : "applying incremental " + chain.get(i).id();
            String output = Files.readString(log).substring((int) Math.min(logStart, Files.size(log)));
            if (!result.succeeded()) {
                return step + " failed: " + result.describe() + engineError(output, result.describe());
            }
            if (!output.contains(COMPLETED)) {
                return step + ": the engine exited 0 but never said '" + COMPLETED + "'";
            }
        }
        return null;
    }

    /**
     * The engine's own {@code [ERROR]} line, which says why; its last lines, all a failure
     * message may carry, are often shutdown noise ("Error in my_thread_global_end()").
     */
    private static String engineError(String output, String described) {
        return output.lines().filter(l -> l.contains("[ERROR]")).findFirst()
                .map(l -> l.substring(l.indexOf("[ERROR]")).strip())
                .filter(e -> !described.contains(e))
                .map(e -> "; the engine said: " + e).orElse("");
    }
}
