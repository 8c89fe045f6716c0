package org.backupscheduler.cli;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.Verifier;
import org.backupscheduler.backup.CatalogRebuild;
import org.backupscheduler.backup.CopyRebuild;
import org.backupscheduler.backup.StoreRebuild;
import org.backupscheduler.binlogs.BinlogIndex;
import org.backupscheduler.binlogs.BinlogStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code backup catalog}: maintenance of the catalog itself. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Maintain the catalog.",
        subcommands = CatalogCommand.Rebuild.class)
final class CatalogCommand {

    /** The binlog archive's index, from the {@code .json} entries beside the archived files. */
    private static void rebuildBinlogIndex(Context ctx) throws IOException {
        try (BinlogStore store = BinlogStore.open(ctx.config())) {
            int added = BinlogIndex.rebuild(store, ctx.catalog().binlogFiles(), ctx.config().instance());
            if (added > 0 || ctx.config().binlogs().on()) {
                ctx.out().println(added + " archived binlog file(s) added to the archive's index");
            }
        }
    }

    /** {@code backup catalog rebuild}: rows for backup folders the catalog does not know. */
    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Recreate catalog rows from the repository's manifest.json files, e.g. after the",
                "catalog file was lost. Only folders without a row are added; existing rows are not touched.",
                "With an s3:// or sftp:// repository, the small files of each backup whose manifest.json is in",
                "the store are fetched into state-dir first (never its chunks); a store folder without",
                "manifest.json (a run that died) is reported, not cataloged.",
                "With repositories:, every repository is listed: a backup only a further one holds is",
                "fetched from there, and each backup gets a STORED copy for each repository holding it.",
                "Rebuilt backups are verified again; a replica's STALE backup stays STALE, an imported",
                "hotcopy folder LEGACY, a partial folder FAILED. EXPIRED backups are gone from the",
                "repository: their history is not recoverable."},
            footer = {"%nExamples:", "  bin/backup catalog rebuild", "  bin/backup catalog rebuild && bin/backup list"})
    static final class Rebuild implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (Context ctx = Context.of(spec)) {
                List<CatalogRebuild.Outcome> outcomes;
                if (StoreRebuild.applies(ctx.config())) {
                    try {
                        StoreRebuild.fetchMissing(ctx.config()).forEach(ctx.out()::println);
                    } catch (IOException e) {
                        throw new UserError("cannot read the repository " + ctx.config().repository().url() + ": "
                                + e.getMessage(), "check repository.url, its credentials and that the store is "
                                + "reachable ('backup repository check')", UserError.FAILED);
                    }
                }
                // repositories: every repository is listed; a backup only a further one holds is fetched from there.
                Map<String, Set<String>> held = Map.of();
                if (ctx.config().hasCopies()) {
                    try {
                        held = CopyRebuild.list(ctx.config());
                        CopyRebuild.fetchMissing(ctx.config(), held).forEach(ctx.out()::println);
                    } catch (IOException e) {
                        throw new UserError("cannot read the repositories " + ctx.config().copies().stream()
                                .map(r -> r.name() + " (" + r.url() + ")").toList() + ": " + e.getMessage(),
                                "check each repository's url, its credentials and that the store is reachable "
                                + "('backup repository check')", UserError.FAILED);
                    }
                }
                try {
                    outcomes = CatalogRebuild.run(ctx.config().instanceDir(), ctx.config().instance(),
                            ctx.catalog().backups());
                } catch (IOException e) {
                    throw new UserError("cannot read the repository " + ctx.config().instanceDir() + ": "
                            + e.getMessage(), "check the repository path and its permissions", UserError.FAILED);
                }
                if (ctx.config().hasCopies()) {
                    // Before verifying: a backup's copies say where the verification reads it.
                    CopyRebuild.record(ctx.config(), ctx.catalog().backups(), held,
                            outcomes.stream().map(CatalogRebuild.Outcome::id).toList());
                }
                long added = outcomes.stream().filter(CatalogRebuild.Outcome::inserted).count();
                // Statuses are re-derived, never copied: each rebuilt backup is verified again (the
                // levels of verify.after-backup), oldest first so a chain's parents come first.
                Set<Level> levels = Verifier.afterBackupLevels(ctx.config());
                Verifier verifier = levels.isEmpty() ? null
                        : new Verifier(ctx.config(), ctx.catalog().backups(), ctx.engine(), Clock.systemUTC());
                boolean allValid = true;
                List<CatalogRebuild.Outcome> oldestFirst = outcomes.stream()
                        .sorted(java.util.Comparator.comparing(CatalogRebuild.Outcome::id)).toList();
                for (CatalogRebuild.Outcome o : oldestFirst) {
                    String status = o.inserted() ? o.status().toString() : "kept";
                    String reason = o.reason() == null ? "" : o.reason();
                    // A STALE backup is checked too (a damaged one becomes INVALID); passing keeps it STALE.
                    if (o.inserted() && verifier != null
                            && (o.status() == BackupStatus.COMPLETED || o.status() == BackupStatus.STALE)) {
                        BackupRecord b = ctx.catalog().backups().find(ctx.config().instance(), o.id()).orElseThrow();
                        var v = verifier.verify(b, levels);
                        status = v.after().status().toString();
                        reason = v.after().reason() == null ? "" : v.after().reason();
                        allValid &= v.valid();
                    }
                    ctx.out().println(String.format("%-18s %-9s %s", o.id(), status, reason));
                }
                ctx.out().println(added + " backup(s) added to the catalog, " + (outcomes.size() - added)
                        + " already there" + (verifier == null ? "; verify.after-backup is empty: rebuilt backups "
                        + "stay COMPLETED until 'backup verify --all'" : "; each added backup was verified again"));
                ctx.out().println(CatalogRebuild.NOT_RECOVERABLE);
                rebuildBinlogIndex(ctx);
                return allValid ? UserError.OK : UserError.PROBLEMS;
            }
        }
    }
}
