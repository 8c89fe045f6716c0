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
            "The old datadir is renamed aside, never deleted; the stored backup is never modified.",
            "With --to DIR: a copy at a point in time in a folder of its own, beside production "
                + "(docs/runbook-point-in-time.md)."},
        footer = {"%nExamples:", "  bin/backup restore --latest --replica replica1 --dry-run",
            "  bin/backup restore --latest --replica replica1",
            "  bin/backup restore --latest --replica replica1 --until '2026-11-24 09:15:00'",
            "  bin/backup restore --id 20261124-091500F --replica replica1",
            "  bin/backup restore --latest --until '2026-11-24 14:02:00' --to /srv/r1402",
            "  bin/backup restore --latest --until-gtid 0-1-4711 --to /srv/r4711 --serve",
            "  bin/backup restore --stop /srv/r4711", ""})
final class RestoreCommand implements Callable<Integer> {
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
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

    @Option(names = "--until-gtid", paramLabel = "GTID",
            description = "with --to: roll forward up to and including this GTID (such as 0-1-4711)")
    String untilGtid;

    @Option(names = "--to", paramLabel = "DIR",
            description = {"restore into this new or empty folder instead of a replica; no server is touched",
                "(with --replica NAME: the events are read from that replica's primary)"})
    java.nio.file.Path to;

    @Option(names = "--serve", description = "with --to: leave a server running on DIR (socket only, no TCP)")
    boolean serve;

    @Option(names = "--stop", paramLabel = "DIR", description = "stop the server that --to DIR --serve left running")
    java.nio.file.Path stop;

    @Override
    public Integer call() throws Exception {
        if (stop != null) {
            return SideCommands.stop(this, spec.commandLine().getOut());
        }
        SideCommands.checkOptions(this);
        LocalDateTime untilTime = parseUntil(until);
        if (to != null) {
            return SideCommands.restore(this, untilTime);
        }
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
