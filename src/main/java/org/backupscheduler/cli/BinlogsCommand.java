package org.backupscheduler.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Callable;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;
import org.backupscheduler.binlogs.Archive;
import org.backupscheduler.binlogs.Archiver;
import org.backupscheduler.binlogs.BinlogStatus;
import org.backupscheduler.binlogs.Gap;
import org.backupscheduler.catalog.BinlogFileRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup binlogs status|pull}: the binlog archive (docs/binlogs.md). */
@Command(name = "binlogs", mixinStandardHelpOptions = true, description = "The binlog archive: status, one pass.",
        subcommands = {BinlogsCommand.Status.class, BinlogsCommand.Pull.class})
final class BinlogsCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Archived range, recovery point, gaps, size and the recoverable window. Exit 3 when the "
                    + "archive has a gap.",
            footer = {"%nExamples:", "  bin/backup binlogs status", "  bin/backup binlogs status --json", ""})
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "one JSON object on stdout")
        boolean json;

        @Override
        public Integer call() {
            try (Context ctx = Context.of(spec)) {
                BinlogStatus s = BinlogStatus.read(ctx.catalog(), ctx.config().instance(), Instant.now());
                if (json) {
                    ctx.out().println(BackupJson.write(s.toJson()));
                } else {
                    print(ctx, s);
                }
                return s.healthy() ? UserError.OK : UserError.PROBLEMS;
            }
        }

        private static void print(Context ctx, BinlogStatus s) {
            if (s.files() == 0) {
                ctx.out().println("no binlogs archived for " + s.instance()
                        + (ctx.config().binlogs().on() ? " yet" : " (binlogs.archive is off)"));
                return;
            }
            BinlogFileRecord o = s.oldest();
            BinlogFileRecord n = s.newest();
            ctx.out().printf("archived:        %s .. %s (%d files, %d sealed, %s)%n", o.fileName(), n.fileName(),
                    s.files(), s.sealed(), Bytes.human(s.sizeBytes()));
            ctx.out().printf("oldest event:    %s  GTID %s%n", o.firstEventAt(), o.firstGtids());
            ctx.out().printf("newest event:    %s  GTID %s%s%n", n.lastEventAt(), s.newestGtids(),
                    n.sealed() ? "" : " (open file, stored as it grows)");
            ctx.out().printf("recovery point:  %s%n", s.recoveryPoint() == null ? "unknown"
                    : s.recoveryPoint().toSeconds() + " s (age of the newest archived event)");
            ctx.out().printf("recoverable:     %s%n", s.window() == null
                    ? "no window: no VERIFIED backup whose binlog position the archive covers without a gap"
                    : s.window().from() + " .. " + s.window().to() + " (from backup " + s.window().backup() + ")");
            for (Gap g : s.gaps()) {
                ctx.out().println("GAP " + g.describe());
            }
            if (!s.gaps().isEmpty()) {
                ctx.out().println("HINT: events in a gap cannot be replayed; a point in time after it needs a backup "
                        + "taken after it (bin/backup run)");
            }
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "One archiving pass: copy every binlog not yet archived, seal the closed ones, store the "
                    + "open one's prefix. For cron, or before maintenance. Exit 4 while the daemon's archiver runs.",
            footer = {"%nExamples:", "  bin/backup binlogs pull --once", ""})
    static final class Pull implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--once", required = true, description = "one pass, then exit (the daemon archives continuously)")
        boolean once;

        @Override
        public Integer call() throws IOException {
            try (Context ctx = Context.of(spec);
                 Archive archive = Archive.of(ctx.config(), ctx.source(), ctx.catalog())) {
                Archiver.Pulled p = Archiver.pullOnce(archive);
                ctx.out().println("sealed: " + (p.sealed().isEmpty() ? "none" : String.join(", ", p.sealed())));
                if (p.open() != null) {
                    ctx.out().println("open file stored so far: " + p.open());
                }
                return UserError.OK;
            }
        }
    }
}
