package org.backupscheduler.cli;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.storage.RepositoryProbe;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.StorageAccessException;
import org.backupscheduler.storage.Storages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code backup repository}: the store the backups go to. */
@Command(name = "repository", mixinStandardHelpOptions = true, description = "Check the repository (local, S3, SFTP).",
        subcommands = RepositoryCommand.Check.class)
final class RepositoryCommand {

    /** {@code backup repository check}: a checklist, ✓ or ✗ per step with the fix under each ✗. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check the repository can be used from this host: reachable, credentials accepted,",
                "a probe object written, read back and deleted, clock skew against the store, free space",
                "where the store tells (local folder, SFTP; S3 does not)."},
            footer = {"%nExamples:", "  bin/backup repository check",
                "  bin/backup --config /etc/backup-scheduler/backup.yml repository check",
                "%nExit 2 when the fix is in the config (a refused key, an unknown bucket or host key),",
                "exit 1 when the store failed or cannot be reached."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (Context ctx = Context.of(spec)) {
                var repository = ctx.config().repository();
                List<RepositoryProbe.Item> items;
                String where;
                try (Storage storage = Storages.open(repository)) {
                    where = storage.describe();
                    items = new RepositoryProbe(storage, Clock.systemUTC()).run();
                } catch (StorageAccessException e) {
                    where = repository.url();
                    items = List.of(new RepositoryProbe.Item(e.kind() == StorageAccessException.Kind.CONFIG
                            ? RepositoryProbe.Outcome.CONFIG : RepositoryProbe.Outcome.FAILED, e.getMessage(), e.hint()));
                }
                ctx.out().println("repository " + where);
                for (RepositoryProbe.Item i : items) {
                    ctx.out().println((i.outcome() == RepositoryProbe.Outcome.OK ? "✓ " : "✗ ") + i.title());
                    if (i.hint() != null) {
                        ctx.out().println("    HINT: " + i.hint());
                    }
                }
                if (items.stream().anyMatch(i -> i.outcome() == RepositoryProbe.Outcome.CONFIG)) {
                    return UserError.USAGE;
                }
                return items.stream().allMatch(i -> i.outcome() == RepositoryProbe.Outcome.OK) ? UserError.OK : UserError.FAILED;
            }
        }
    }
}
