package org.backupscheduler.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.RepositoryStores;
import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.VerificationRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backup show ID}: everything the catalog knows about one backup. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one backup.",
        footer = {"%nExamples:", "  bin/backup show 20261124-091500F", "  bin/backup show 20261124-091500F --json"})
final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "the backup id, as 'backup list' shows it")
    String id;

    @Option(names = "--json", description = "a JSON object on stdout")
    boolean json;

    @Override
    public Integer call() {
        try (Context ctx = Context.of(spec)) {
            String instance = ctx.config().instance();
            BackupRecord b = ctx.catalog().backups().find(instance, id).orElseThrow(() -> new UserError(
                    "no backup '" + id + "' of instance " + instance + " in the catalog",
                    "'backup list' shows the ids", UserError.USAGE));
            Map<String, Object> fields = BackupJson.of(b, ctx.catalog().backups().sources().find(instance, id));
            RepositoryStores.configure(ctx.config());
            VerifyCommand.sealedNote(b).ifPresent(n -> fields.put("note", n));
            List<VerificationRecord> history = ctx.catalog().backups().verifications().of(instance, id);
            List<BackupCopies.Copy> copies = ctx.catalog().backups().copies().of(instance, id);
            if (!copies.isEmpty()) {
                // repositories: where the backup lies, copy by copy (docs/storage.md, "Two repositories").
                fields.put("copies", copies.stream().map(c -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("repository", c.repository());
                    m.put("url", c.url());
                    m.put("state", c.state().name());
                    m.put("since", c.changedAt().toString());
                    m.put("reason", c.reason());
                    return m;
                }).toList());
            }
            if (json) {
                fields.put("verifications", history.stream().map(v -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("level", v.level());
                    m.put("started_at", v.startedAt().toString());
                    m.put("duration_ms", v.duration().toMillis());
                    m.put("ok", v.ok());
                    m.put("finding", v.finding());
                    return m;
                }).toList());
                ctx.out().println(BackupJson.write(fields));
            } else {
                fields.forEach((k, v) -> {
                    if (!k.equals("copies")) {
                        ctx.out().println(String.format("%-23s %s", k, v == null ? "-" : v));
                    }
                });
                if (!copies.isEmpty()) {
                    ctx.out().println("copies:");
                    copies.forEach(c -> ctx.out().println(String.format("  %-12s %-8s %s  %s%s", c.repository(),
                            c.state(), c.changedAt(), c.url(), c.reason() == null ? "" : "  " + c.reason())));
                }
                ctx.out().println("verifications (newest first):" + (history.isEmpty() ? " none" : ""));
                history.forEach(v -> ctx.out().println(String.format("  %s  %-9s %-4s %6d ms  %s", v.startedAt(),
                        v.level(), v.ok() ? "ok" : "FAIL", v.duration().toMillis(),
                        v.finding() == null ? "" : v.finding())));
            }
            return UserError.OK;
        }
    }
}
