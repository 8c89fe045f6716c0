package org.backupscheduler.cli;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.LocksConfig;
import org.backupscheduler.locks.LockPass;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup locks watch}: the timeout-and-kill policy on its own, in the spirit of pt-kill. */
@Command(name = "locks", mixinStandardHelpOptions = true, description = "The lock policy (docs/locks.md).",
        subcommands = {LocksCommand.Watch.class})
final class LocksCommand {

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Look for read/backup lock requests (FLUSH TABLES ... WITH READ LOCK, LOCK TABLES ... READ,",
                "BACKUP STAGE) queued longer than locks.wait-threshold and apply locks.action (kill-blocker,",
                "kill-waiters, kill-backup, print), every locks.interval. Victims queued behind are never killed.",
                "Every decision goes to the catalog's audit, executed or not."},
            footer = {"%nExamples:", "  bin/backup locks watch --once --dry-run", "  bin/backup locks watch",
                "  */1 * * * * bin/backup locks watch --once   (from cron)", ""})
    static final class Watch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--once", description = "one look, then exit")
        boolean once;

        @Option(names = "--dry-run", description = "decide and record, kill nothing (as locks.action: print)")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = Context.of(spec)) {
                BackupConfig config = ctx.config();
                LocksConfig locks = config.locks();
                if (dryRun) {
                    locks = new LocksConfig(locks.interval(), locks.waitThreshold(), LocksConfig.Action.PRINT,
                            locks.blocker(), locks.protectUsers(), locks.ignoreUsers(), locks.matchInfo(),
                            locks.match(), locks.ignore());
                }
                Endpoint source = ctx.source();
                LockPass pass = new LockPass(locks, ctx.catalog().backups().lockActions(), config.instance(),
                        source.user());
                do {
                    try (Connection c = ServerConnections.open(source)) {
                        List<LockPass.Outcome> outcomes = pass.run(c, null);
                        for (LockPass.Outcome o : outcomes) {
                            ctx.out().println(o.decision().kind() + " " + o.decision().session().describe() + ": "
                                    + o.decision().rule() + ": " + o.decision().why() + " -> " + o.result());
                        }
                        if (once && outcomes.isEmpty()) {
                            ctx.out().println("no read-lock request has waited for "
                                    + locks.waitThreshold().toSeconds() + "s or more");
                        }
                    }
                    if (!once) {
                        Thread.sleep(locks.interval().toMillis());
                    }
                } while (!once);
                return UserError.OK;
            }
        }
    }
}
