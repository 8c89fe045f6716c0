package org.backupscheduler.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.binlogs.BinlogStore;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.replication.ReplicaHealth;
import org.backupscheduler.restore.ReplicaRepair;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.Endpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backup replica check}: replication threads, lag, errors, and the binlog each replica needs next. */
@Command(name = "replica", mixinStandardHelpOptions = true, description = "Replicas: health checks, repair.",
        subcommands = {ReplicaCommand.Check.class, ReplicaCommand.Repair.class})
final class ReplicaCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check configured replicas: threads, lag, errors, and whether the primary still has the "
                    + "binlog each needs next. Exit 3 when one is broken or at risk.",
            footer = {"%nExamples:", "  bin/backup replica check", "  bin/backup replica check replica1 --json", ""})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "NAME", description = "one replica (default: all configured)")
        String name;

        @Option(names = "--json", description = "a JSON array on stdout")
        boolean json;

        @Override
        public Integer call() {
            try (Context ctx = Context.of(spec)) {
                BackupConfig config = ctx.config();
                if (config.replicas().isEmpty()) {
                    throw new UserError("no replicas are configured", "add a replicas: section (docs/configuration.md)",
                            UserError.USAGE);
                }
                if (name != null && !config.replicas().containsKey(name)) {
                    throw new UserError("no replica '" + name + "' in the config", "configured: "
                            + String.join(", ", config.replicas().keySet()), UserError.USAGE);
                }
                Secrets secrets = Secrets.fromEnvironment();
                List<ReplicaHealth> results = new ArrayList<>();
                Map<String, String> ways = new java.util.HashMap<>();
                for (Map.Entry<String, ReplicaConfig> e : config.replicas().entrySet()) {
                    if (name != null && !name.equals(e.getKey())) {
                        continue;
                    }
                    ReplicaConfig r = e.getValue();
                    Endpoint replica = Endpoints.replica(e.getKey(), r, secrets);
                    Endpoint primary = Endpoints.primary(e.getKey(), r, secrets);
                    if (primary == null) {
                        throw new UserError("replicas." + e.getKey() + ".primary is missing",
                                "add it: the check asks the primary which binlogs it still has", UserError.USAGE);
                    }
                    ReplicaHealth h = ReplicaHealth.check(e.getKey(), replica, primary, config.source().maxLag());
                    results.add(h);
                    if (!json && !h.healthy() && h.needs() != null && config.binlogs().on()) {
                        // Which way back: the archive may hold what the primary purged.
                        String refusal = ReplicaRepair.assess(e.getKey(), replica, primary, config.instance(),
                                ctx.catalog().binlogFiles());
                        if (refusal == null) {
                            ways.put(e.getKey(), "the binlog archive holds the missing events: bin/backup replica "
                                    + "repair " + e.getKey());
                        } else if (!refusal.contains("needs nothing from the archive")) {
                            ways.put(e.getKey(), "replica repair cannot: " + refusal + "; rebuild it: bin/backup "
                                    + "restore --latest --replica " + e.getKey());
                        }
                    }
                }
                if (json) {
                    ctx.out().println(BackupJson.write(results.stream().map(ReplicaHealth::toJson).toList()));
                } else {
                    results.forEach(h -> {
                        print(ctx, h);
                        if (ways.containsKey(h.name())) {
                            ctx.out().println("  way back: " + ways.get(h.name()));
                        }
                    });
                }
                return results.stream().allMatch(ReplicaHealth::healthy) ? UserError.OK : UserError.PROBLEMS;
            }
        }

        private static void print(Context ctx, ReplicaHealth h) {
            ctx.out().println((h.healthy() ? "OK     " : "BROKEN ") + h.name()
                    + h.state().map(s -> ": " + s.describe()).orElse(""));
            if (h.needs() != null) {
                ctx.out().println("  needs next from the primary: " + h.needs());
            }
            h.problems().forEach(p -> ctx.out().println("  problem: " + p));
            h.risks().forEach(r -> ctx.out().println("  risk: " + r));
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = {"A replica whose next events the primary purged (error 1236): replay them from the binlog",
                "archive, from its gtid_slave_pos, then re-attach it to the primary and wait until it has caught up.",
                "Its datadir is not moved. Refuses (exit 1), naming the range, when the archive does not cover it."},
            footer = {"%nExamples:", "  bin/backup replica repair replica1", ""})
    static final class Repair implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "the replica, as named under replicas:")
        String name;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = Context.of(spec)) {
                BackupConfig config = ctx.config();
                ReplicaConfig r = config.replicas().get(name);
                if (r == null) {
                    throw new UserError("no replica '" + name + "' in the config", "configured: "
                            + String.join(", ", config.replicas().keySet()), UserError.USAGE);
                }
                Secrets secrets = Secrets.fromEnvironment();
                Endpoint primary = Endpoints.primary(name, r, secrets);
                if (primary == null) {
                    throw new UserError("replicas." + name + ".primary is missing",
                            "add it: the repair re-attaches the replica to its primary", UserError.USAGE);
                }
                try (BinlogStore store = BinlogStore.open(config)) {
                    ReplicaRepair.Outcome o = ReplicaRepair.repair(name, Endpoints.replica(name, r, secrets), primary,
                            config.instance(), ctx.catalog().binlogFiles(), store, config.repository().scratch());
                    ctx.out().println("replica " + name + " repaired: " + o.files() + " archived binlog file(s) "
                            + "replayed from " + o.from() + " to " + o.to() + "; " + o.state().describe());
                }
                return UserError.OK;
            }
        }
    }
}
