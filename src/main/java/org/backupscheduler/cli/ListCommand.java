package org.backupscheduler.cli;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupSources;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.SourceState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup list}: the catalog, newest first, a page at a time. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List backups, newest first.",
        footer = {"%nExamples:", "  bin/backup list", "  bin/backup list --json | jq '.[0].status'",
            "  bin/backup list --limit 24 --offset 24"})
final class ListCommand implements Callable<Integer> {
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "a JSON array on stdout (logs go to stderr)")
    boolean json;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "skip this many of the newest")
    int offset;

    @Override
    public Integer call() {
        if (limit < 1 || offset < 0) {
            throw new UserError("--limit must be 1 or more and --offset 0 or more (got "
                    + limit + ", " + offset + ")", "fix the paging options", UserError.USAGE);
        }
        try (Context ctx = Context.of(spec)) {
            Backups catalog = ctx.catalog().backups();
            List<BackupRecord> backups = catalog.list(ctx.config().instance(), limit, offset);
            BackupSources sources = catalog.sources();
            if (json) {
                ctx.out().println(BackupJson.write(backups.stream()
                        .map(b -> BackupJson.of(b, sources.find(b.instance(), b.id()))).toList()));
                return UserError.OK;
            }
            ctx.out().println(String.format("%-18s %-5s %-9s %-19s %6s %9s  %s", "ID", "TYPE", "STATUS", "STARTED",
                    "TOOK", "SIZE", "BINLOG / REASON"));
            for (BackupRecord b : backups) {
                ctx.out().println(row(b, sources.find(b.instance(), b.id())));
            }
            if (backups.isEmpty()) {
                ctx.out().println("(no backups yet: 'backup run' takes one)");
            }
            return UserError.OK;
        }
    }

    /** One line of at most 100 columns. */
    static String row(BackupRecord b, Optional<SourceState> source) {
        String took = b.finishedAt() == null ? "-" : seconds(Duration.between(b.startedAt(), b.finishedAt()));
        String detail = b.reason() != null ? b.reason() : b.coordinates().toString();
        // A replica's lag at backup time comes first: it says how old the data in the backup is.
        if (source.isPresent() && source.get().isReplica() && source.get().lagSeconds() != null) {
            detail = "[replica, lag " + source.get().lagSeconds() + "s] " + detail;
        }
        String line = String.format("%-18s %-5s %-9s %-19s %6s %9s  %s", b.id(), b.type().word().substring(0,
                Math.min(4, b.type().word().length())), b.status(), LOCAL.format(b.startedAt()), took,
                Bytes.human(b.sizeBytes()), detail.replace('\n', ' '));
        return line.length() <= 100 ? line : line.substring(0, 97) + "...";
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + "s" : s / 60 + "m";
    }
}
