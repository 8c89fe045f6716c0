package org.backupscheduler.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupRecord;
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
                    "'backup list' shows the ids", 2));
            Map<String, Object> fields = BackupJson.of(b);
            if (json) {
                ctx.out().println(BackupJson.write(fields));
            } else {
                fields.forEach((k, v) -> ctx.out().println(String.format("%-17s %s", k, v == null ? "-" : v)));
            }
            return 0;
        }
    }
}
