package org.backupscheduler.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.Leases;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.LocksConfig;
import org.backupscheduler.locks.LockPass;
import org.backupscheduler.locks.RunSessions;
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
                "Every decision goes to the catalog's audit, executed or not. While a backup run holds the",
                "instance's lease, its own watcher handles locks and this does nothing (--dry-run still looks)."},
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
                    locks = locks.withAction(LocksConfig.Action.PRINT);
                }
                Endpoint source = ctx.source();
                Leases leases = ctx.catalog().backups().leases();
                LockPass pass = new LockPass(locks, ctx.catalog().backups().lockActions(), config.instance());
                String deferredTo = null; // said once per run, not every interval
                do {
                    // A run in progress has its own watcher: one watcher per instance at a time. A
                    // dry run only looks, so it may, knowing which sessions are that run's.
                    Optional<Leases.Held> held = leases.held(config.instance()).filter(Leases.Held::watching);
                    RunSessions run = held.map(h -> new RunSessions(source.user(), h.sessionsAfter()))
                            .orElse(RunSessions.NONE);
                    if (held.isPresent() && !dryRun) {
                        if (!held.get().describe().equals(deferredTo)) {
                            ctx.out().println("a run holds the lease of " + config.instance() + " ("
                                    + held.get().describe() + "): its own lock watcher handles locks until it ends; "
                                    + "nothing done");
                            deferredTo = held.get().describe();
                        }
                    } else {
                        deferredTo = null;
                        try (Connection c = ServerConnections.open(source)) {
                            report(pass.run(c, run, held.map(Leases.Held::backupId).orElse(null)), locks);
                        }
                    }
                    if (!once) {
                        Thread.sleep(locks.interval().toMillis());
                    }
                } while (!once);
                return UserError.OK;
            }
        }

        private void report(List<LockPass.Outcome> outcomes, LocksConfig locks) {
            PrintWriter out = spec.commandLine().getOut();
            for (LockPass.Outcome o : outcomes) {
                out.println(o.decision().kind() + " " + o.decision().session().describe() + ": "
                        + o.decision().rule() + ": " + o.decision().why() + " -> " + o.result());
            }
            if (once && outcomes.isEmpty()) {
                out.println("no read-lock request has waited for " + locks.waitThreshold().toSeconds() + "s or more");
            }
        }
    }
}
