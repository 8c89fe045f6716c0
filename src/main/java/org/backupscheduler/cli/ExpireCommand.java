package org.backupscheduler.cli;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.schedule.ArchiveExpirer;
import org.backupscheduler.schedule.Expirer;
import org.backupscheduler.schedule.Lease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup expire}: apply retention now (it also runs after every backup). */
@Command(name = "expire", mixinStandardHelpOptions = true,
        description = {"Remove backups outside retention (retention.hourly/daily/weekly).",
            "Never the newest retention.min-verified VERIFIED backups, a pinned one (being restored",
            "or verified), a parent an incremental needs, or a running one; removed backups stay in",
            "the catalog as EXPIRED with the date. Imported hotcopy folders only lose their row.",
            "Then the binlog archive: files no kept backup rolls forward from are removed."},
        footer = {"%nExamples:", "  bin/backup expire --dry-run", "  bin/backup expire", ""})
final class ExpireCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "list what would be removed and remove nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = Context.of(spec)) {
            BackupConfig config = ctx.config();
            Lease.Result lease = Lease.acquire(ctx.catalog(), config.instanceDir(), config.instance(), Lease.TTL,
                    Clock.systemUTC());
            if (!lease.acquired()) {
                throw new UserError("a run holds the lease of " + config.instance() + ": "
                        + lease.heldBy().describe(), "run expire again when it has finished", UserError.SKIPPED);
            }
            try (Lease held = lease.lease()) {
                List<String> lines = new Expirer(config, ctx.catalog().backups(), Clock.systemUTC()).expire(dryRun);
                String verb = dryRun ? "would expire" : "expired";
                lines.forEach(l -> ctx.out().println(verb + " " + l));
                // The archive after the backups: a backup expired now no longer holds its binlogs.
                List<String> binlogs = new ArchiveExpirer(config, ctx.catalog()).expire(dryRun);
                String removes = dryRun ? "would remove" : "removed";
                binlogs.forEach(f -> ctx.out().println(removes + " archived binlog " + f
                        + ": no kept backup rolls forward from before it"));
                ctx.out().println(lines.isEmpty() && binlogs.isEmpty() ? "nothing to expire"
                        : verb + " " + lines.size() + " backup(s)"
                        + (binlogs.isEmpty() ? "" : ", " + removes + " " + binlogs.size() + " archived binlog(s)")
                        + (dryRun ? "; nothing was changed" : ""));
                return UserError.OK;
            }
        }
    }
}
