package org.backupscheduler.cli;

import java.time.Clock;
import java.util.concurrent.Callable;

import org.backupscheduler.backup.BackupOutcome;
import org.backupscheduler.backup.BackupWorkflow;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.server.Endpoint;
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
            var backups = ctx.catalog().backups();
            EngineTool tool = ctx.engine();
            BackupWorkflow workflow = new BackupWorkflow(config, backups, tool, source, Progress.forTerminal(),
                    Clock.systemUTC());
            BackupOutcome outcome = workflow.run(backupType);
            BackupRecord b = outcome.backup();
            if (outcome.failed()) {
                ctx.err().println("error: backup " + b.id() + " " + b.status() + ": " + b.reason());
                ctx.err().println("HINT: the engine's log is " + b.path() + "/backup.log; "
                        + "'backup show " + b.id() + "' has the details");
                return 1;
            }
            ctx.out().println("backup " + b.id() + " " + b.status() + " (" + Sizes.human(b.sizeBytes()) + ", binlog "
                    + b.coordinates() + ")");
            return 0;
        }
    }

    private BackupType parseType(String word) {
        return switch (word) {
            case "full" -> BackupType.FULL;
            case "incremental" -> throw new org.backupscheduler.UserError(
                    "incremental backups are not available in this version", "run a full backup (--type full)", 2);
            default -> throw new org.backupscheduler.UserError("unknown backup type '" + word + "'",
                    "use --type full or --type incremental", 2);
        };
    }
}
