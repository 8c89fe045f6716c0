package org.backupscheduler.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Fleet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup list}: the catalog, newest first, a page at a time. */
@Command(name = "list", mixinStandardHelpOptions = true, description = {"List backups, newest first; with --config-dir those of every instance (or of --instance).",
            "Exit 2 after the listing when an instance file was refused (stderr names it)."},
        footer = {"%nExamples:", "  bin/backup list", "  bin/backup list --json | jq '.[0].status'",
            "  bin/backup list --limit 24 --offset 24"})
final class ListCommand implements Callable<Integer> {
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** Where the detail column (binlog or reason) starts in a row. */
    private static final int DETAIL = 73;

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
        Fleet fleet = Context.fleet(spec);
        List<BackupConfig> instances = Context.selected(spec, fleet);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (SharedCatalogs catalogs = new SharedCatalogs()) {
            for (BackupConfig config : instances) {
                list(config, instances.size() > 1, catalogs, rows);
            }
        }
        if (json) {
            spec.commandLine().getOut().println(BackupJson.write(rows));
        }
        spec.commandLine().getOut().flush();
        return Context.refusals(spec, fleet, UserError.OK);
    }

    /** One instance's page: into {@code rows} (--json), else printed as its table. */
    private void list(BackupConfig config, boolean headed, SharedCatalogs catalogs, List<Map<String, Object>> rows) {
        try (Context ctx = Context.of(spec, config, catalogs)) {
            Backups catalog = ctx.catalog().backups();
            List<BackupRecord> backups = catalog.list(config.instance(), limit, offset);
            // The page's sources in one query, not one per row (a fleet's list is 100 pages).
            Map<String, SourceState> sources = catalog.sources().of(config.instance(),
                    backups.stream().map(BackupRecord::id).toList());
            if (json) {
                backups.forEach(b -> {
                    Map<String, Object> row = BackupJson.of(b, Optional.ofNullable(sources.get(b.id())));
                    if (config.hasCopies()) {
                        Map<String, Object> copies = new java.util.LinkedHashMap<>();
                        catalog.copies().of(b.instance(), b.id()).forEach(c -> copies.put(c.repository(),
                                c.state().name()));
                        row.put("copies", copies);
                    }
                    rows.add(row);
                });
            } else {
                table(ctx.out(), headed ? config.instance() : null, backups, sources,
                        config.hasCopies() ? catalog.copies() : null);
            }
        }
    }

    /** One instance's backups; under a heading with its name when the listing covers several. */
    private static void table(PrintWriter out, String heading, List<BackupRecord> backups,
                              Map<String, SourceState> sources, BackupCopies copies) {
        if (heading != null) {
            out.println("== " + heading);
        }
        out.println(String.format("%-18s %-5s %-9s %-19s %6s %9s  %s", "ID", "TYPE", "STATUS", "STARTED",
                "TOOK", "SIZE", "BINLOG / REASON"));
        for (BackupRecord b : backups) {
            String line = row(b, Optional.ofNullable(sources.get(b.id())));
            if (copies != null) {
                // repositories: where each backup lies now (STORED copies; 'backup show ID' says the rest).
                List<String> stored = copies.of(b.instance(), b.id()).stream()
                        .filter(c -> c.state() == BackupCopies.State.STORED).map(BackupCopies.Copy::repository).toList();
                line = line.substring(0, DETAIL) + "[" + (stored.isEmpty() ? "no copy" : String.join("+", stored)) + "] "
                        + line.substring(DETAIL);
                line = line.length() <= 100 ? line : line.substring(0, 97) + "...";
            }
            out.println(line);
        }
        if (backups.isEmpty()) {
            out.println("(no backups yet: 'backup run' takes one)");
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
