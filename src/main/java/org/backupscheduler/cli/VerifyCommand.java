package org.backupscheduler.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.StoredStream;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.LevelResult;
import org.backupscheduler.verify.VerificationOutcome;
import org.backupscheduler.verify.Verifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backup verify}: prove backups restorable again, now; bit rot turns VERIFIED into INVALID. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify backups: structure, checksums, a prepared copy; --deep adds a restore drill.",
        footer = {"%nExamples:", "  bin/backup verify --latest", "  bin/backup verify --all --json",
            "  bin/backup verify 20261124-091500F --deep", "  bin/backup verify --latest --repository remote", ""})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(paramLabel = "ID", description = "one backup")
        String id;

        @Option(names = "--latest", description = "the newest backup that can be verified")
        boolean latest;

        @Option(names = "--all", description = "every backup that can be verified")
        boolean all;
    }

    @Option(names = "--deep", description = "also start a throw-away server on a prepared copy and CHECK every table")
    boolean deep;

    @Option(names = "--json", description = "results as a JSON array on stdout")
    boolean json;

    @Option(names = "--repository", paramLabel = "NAME",
            description = "with repositories: only the copy in this one (default: every copy)")
    String repository;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = Context.of(spec)) {
            BackupConfig config = ctx.config();
            Backups backups = ctx.catalog().backups();
            List<BackupRecord> targets = targets(backups, config.instance());
            Set<Level> levels = EnumSet.of(Level.STRUCTURE, Level.CHECKSUM, Level.PREPARE);
            if (deep) {
                levels.add(Level.DEEP);
            }
            Verifier verifier = new Verifier(config, backups, ctx.engine(), Clock.systemUTC())
                    .onlyRepository(repository);
            List<Map<String, Object>> out = new ArrayList<>();
            boolean allValid = true;
            for (BackupRecord b : targets) {
                VerificationOutcome o = verifier.verify(b, levels);
                allValid &= o.valid();
                if (json) {
                    out.add(json(o));
                } else {
                    print(ctx, o);
                }
            }
            if (json) {
                ctx.out().println(BackupJson.write(out));
            }
            if (!allValid) {
                ctx.err().println("error: of " + targets.size() + " backup(s) verified, not all are valid; "
                        + "INVALID backups are never restored");
                ctx.err().println("HINT: 'backup list' shows which and why; take a new backup with 'backup run'");
                return UserError.PROBLEMS;
            }
            return UserError.OK;
        }
    }

    private List<BackupRecord> targets(Backups backups, String instance) {
        if (target.id != null) {
            BackupRecord b = backups.find(instance, target.id).orElseThrow(() -> new UserError(
                    "no backup '" + target.id + "' of instance " + instance + " in the catalog",
                    "'backup list' shows the ids", UserError.USAGE));
            return List.of(b);
        }
        List<BackupRecord> all = new ArrayList<>();
        for (int offset = 0; ; offset += 500) {
            List<BackupRecord> page = backups.list(instance, 500, offset);
            page.stream().filter(Verifier::isVerifiable).forEach(all::add);
            if (page.size() < 500 || (target.latest && !all.isEmpty())) {
                break;
            }
        }
        if (all.isEmpty()) {
            throw new UserError("instance " + instance + " has no backup to verify",
                    "take one with 'backup run'", UserError.USAGE);
        }
        return target.latest ? List.of(all.get(0)) : all;
    }

    private static void print(Context ctx, VerificationOutcome o) {
        BackupRecord b = o.after();
        ctx.out().println("backup " + b.id() + ": " + o.before().status()
                + (o.before().status() == b.status() ? "" : " -> " + b.status()));
        for (LevelResult r : o.results()) {
            ctx.out().println(String.format("  %-9s %-4s %6d ms  %s", r.level().word(), r.ok() ? "ok" : "FAIL",
                    r.duration().toMillis(), r.finding() == null ? "" : r.finding()));
        }
        sealedNote(b).ifPresent(n -> ctx.out().println("  note: " + n));
    }

    /** [2.3] why an encrypted backup stays COMPLETED here; empty otherwise. */
    static Optional<String> sealedNote(BackupRecord b) {
        if (b.status() != BackupStatus.COMPLETED || b.path() == null) {
            return Optional.empty();
        }
        try {
            return StoredStream.sealedNote(Path.of(b.path()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Object> json(VerificationOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.after().id());
        m.put("status_before", o.before().status().name());
        m.put("status", o.after().status().name());
        m.put("valid", o.valid());
        m.put("reason", o.after().reason());
        sealedNote(o.after()).ifPresent(n -> m.put("note", n));
        m.put("levels", o.results().stream().map(r -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("level", r.level().word());
            l.put("ok", r.ok());
            l.put("duration_ms", r.duration().toMillis());
            l.put("finding", r.finding());
            return l;
        }).toList());
        return m;
    }
}
