package org.backupscheduler.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.schedule.GuardedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup run}: one backup now, exactly what the schedule runs. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Take one backup now.",
        footer = {"%nExamples:", "  bin/backup run", "  bin/backup --config /etc/backup-scheduler/backup.yml run"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--type", defaultValue = "full", paramLabel = "full|incremental",
            description = "backup type (default: ${DEFAULT-VALUE})")
    String type;

    @Override
    public Integer call() throws Exception {
        BackupType backupType = parseType(type);
        try (Context ctx = Context.of(spec)) {
            BackupConfig config = ctx.config();
            Endpoint source = ctx.source();
            Catalog catalog = ctx.catalog();
            EngineTool tool = ctx.engine();
            GuardedRun.Result result = new GuardedRun(config, catalog, tool, source, Progress.forTerminal(),
                    Clock.systemUTC()).run(backupType);
            BackupRecord b = result.backup();
            if (result.note() != null) {
                ctx.err().println("note: " + result.note());
            }
            return report(ctx, b);
        }
    }

    /** One line for the outcome; an error line and a HINT for anything but success. */
    static int report(Context ctx, BackupRecord b) {
        switch (b.status()) {
            case SKIPPED -> {
                ctx.err().println("error: backup " + b.id() + " SKIPPED: " + b.reason());
                ctx.err().println("HINT: nothing to do if that run is alive; a dead holder's lease expires by itself");
                return UserError.SKIPPED;
            }
            case FAILED -> {
                ctx.err().println("error: backup " + b.id() + " FAILED: " + b.reason());
                if (b.sizeBytes() == null && b.reason() != null && b.reason().startsWith("replica ")) {
                    ctx.err().println("HINT: no engine ran; repair the replica's replication (SHOW SLAVE STATUS) "
                            + "or rebuild it (docs/runbook-replica-rebuild.md), see docs/replica-source.md");
                } else if (!engineLogWritten(b) && b.reason() != null && b.reason().contains("(HINT: ")) {
                    // Refused before the engine started, with its own fix (source.ssh: the host key, the login).
                    ctx.err().println("HINT: no engine ran; do what the HINT in the reason says, then run again");
                } else if (!engineLogWritten(b)) {
                    // Refused before the engine started (the source unreachable): there is no log to read.
                    ctx.err().println("HINT: no engine ran; check source: (host and port or socket, user, password, "
                            + "tls) in " + ctx.instanceFile() + " against the server, then run again");
                } else {
                    ctx.err().println("HINT: the engine's log is " + b.path() + "/backup.log; "
                            + "'backup show " + b.id() + "' has the details");
                }
                return UserError.FAILED;
            }
            case INVALID -> {
                ctx.err().println("error: backup " + b.id() + " is INVALID: " + b.reason());
                ctx.err().println("HINT: the backup cannot be trusted; 'backup show " + b.id() + "' and its "
                        + "backup.log have the details; the next run takes a new one");
                return UserError.PROBLEMS;
            }
            default -> {
                ctx.out().println("backup " + b.id() + " " + b.status() + " (" + Bytes.human(b.sizeBytes())
                        + ", binlog " + b.coordinates() + ")");
                if (b.status() == BackupStatus.STALE) {
                    // Kept because source.on-stale asks for it, but it is not a current backup: say so,
                    // and let cron and monitoring see a non-zero exit.
                    ctx.err().println("error: backup " + b.id() + " is STALE: " + b.reason());
                    ctx.err().println("HINT: repair the replica's replication ('SHOW SLAVE STATUS'); restore "
                            + "--latest never chooses a STALE backup");
                    return UserError.PROBLEMS;
                }
                return UserError.OK;
            }
        }
    }

    private static boolean engineLogWritten(BackupRecord b) {
        try {
            return b.path() != null && Files.size(Path.of(b.path(), RepositoryLayout.LOG)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private BackupType parseType(String word) {
        return switch (word) {
            case "full" -> BackupType.FULL;
            case "incremental" -> BackupType.INCREMENTAL;
            default -> throw new UserError("unknown backup type '" + word + "'",
                    "use --type full or --type incremental", UserError.USAGE);
        };
    }
}
