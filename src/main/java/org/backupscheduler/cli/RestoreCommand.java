package org.backupscheduler.cli;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.restore.Restorer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup restore}: rebuild a replica from the newest valid backup, to now or to a point in time. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Rebuild a replica from a VERIFIED backup and re-attach replication.",
            "The old datadir is renamed aside, never deleted; the stored backup is never modified."},
        footer = {"%nExamples:", "  bin/backup restore --latest --replica replica1 --dry-run",
            "  bin/backup restore --latest --replica replica1",
            "  bin/backup restore --latest --replica replica1 --until '2026-11-24 09:15:00'",
            "  bin/backup restore --id 20261124-091500F --replica replica1", ""})
final class RestoreCommand implements Callable<Integer> {
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--latest", description = "the newest VERIFIED backup (before --until)")
        boolean latest;

        @Option(names = "--id", paramLabel = "ID", description = "this backup (it must be VERIFIED)")
        String id;
    }

    @Option(names = "--replica", paramLabel = "NAME", description = "the replica to rebuild (replicas.NAME)")
    String replica;

    @Option(names = "--until", paramLabel = "'YYYY-MM-DD HH:MM:SS'",
            description = "roll forward to the last event before this time (this host's time zone)")
    String until;

    @Option(names = "--dry-run", description = "print the plan and change nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        LocalDateTime untilTime = parseUntil(until);
        try (Context ctx = Context.of(spec)) {
            Restorer restorer = new Restorer(ctx.config(), ctx.catalog().backups(), ctx.engine(),
                    Secrets.fromEnvironment(), ctx.out());
            restorer.restore(replica, which.id, untilTime, dryRun);
            return UserError.OK;
        }
    }

    static LocalDateTime parseUntil(String text) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text.strip(), UNTIL);
        } catch (DateTimeParseException e) {
            throw new UserError("--until '" + text + "' is not a time of the form YYYY-MM-DD HH:MM:SS",
                    "such as --until '2026-11-24 09:15:00'", UserError.USAGE);
        }
    }
}
