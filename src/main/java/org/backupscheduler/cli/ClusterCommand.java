package org.backupscheduler.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.backupscheduler.UserError;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ClusterState;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Fleet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup cluster}: the daemons sharing a MySQL/MariaDB catalog. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The daemons sharing the catalog.",
        subcommands = ClusterCommand.Status.class)
final class ClusterCommand {

    /** {@code backup cluster status}: nodes, their check-ins, and who runs what. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"List the daemon nodes checked in to the catalog (Quartz's QRTZ_SCHEDULER_STATE: node,",
                "last check-in, interval; 'silent' past twice the interval), the jobs each executes, and",
                "the runs by owner: leases, RUNNING backups, engine slots per database host (limits).",
                "With the embedded H2 catalog there is no cluster: the list of runs only."},
            footer = {"%nExamples:", "  bin/backup --config-dir /etc/backup-scheduler/instances cluster status",
                "  bin/backup cluster status --json | jq '.nodes[].node'"})
    static final class Status implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "a JSON object on stdout")
        boolean json;

        @Override
        public Integer call() throws Exception {
            // The daemons of a fleet share one catalog (DaemonCommand refuses otherwise): any instance's will do.
            Fleet fleet = Context.fleet(spec);
            List<BackupConfig> instances = Context.selected(spec, fleet);
            if (instances.isEmpty()) {
                throw fleet.refused().get(0).error();
            }
            try (Context ctx = Context.of(spec, instances.get(0))) {
                Catalog catalog = ctx.catalog();
                ClusterState state = ClusterState.read(catalog);
                Instant now = Instant.now();
                if (json) {
                    ctx.out().println(JSON.writeValueAsString(tree(state, catalog, now)));
                } else {
                    text(ctx, state, catalog, now);
                }
                ctx.out().flush();
                return UserError.OK;
            }
        }

        private static Map<String, Object> tree(ClusterState s, Catalog catalog, Instant now) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("catalog", catalog.url());
            m.put("clustered", !catalog.isEmbedded());
            m.put("nodes", s.nodes().stream().map(n -> {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("cluster", n.cluster());
                node.put("node", n.id());
                node.put("last_checkin", n.lastCheckin().toString());
                node.put("checkin_interval_ms", n.interval().toMillis());
                node.put("alive", n.alive(now));
                node.put("executing", s.executing().stream().filter(f -> f.node().equals(n.id())
                        && f.cluster().equals(n.cluster())).map(f -> Map.of("instance", f.instance(), "job", f.job(),
                        "since", f.since().toString())).toList());
                return node;
            }).toList());
            m.put("running", s.running().stream().map(w -> {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("instance", w.instance());
                run.put("what", w.what());
                run.put("host", w.host());
                run.put("pid", w.pid());
                run.put("since", w.since().toString());
                return run;
            }).toList());
            return m;
        }

        private static void text(Context ctx, ClusterState s, Catalog catalog, Instant now) {
            if (catalog.isEmbedded()) {
                ctx.out().println("no cluster: the catalog is an embedded H2 file (" + catalog.url()
                        + "); daemons cluster on a MySQL/MariaDB catalog (docs/fleet.md)");
            } else {
                ctx.out().println(String.format("%-14s %-36s %-21s %9s  %s", "CLUSTER", "NODE", "LAST CHECK-IN",
                        "INTERVAL", "EXECUTING"));
                for (ClusterState.Node n : s.nodes()) {
                    String executing = String.join(", ", s.executing().stream().filter(f -> f.node().equals(n.id())
                            && f.cluster().equals(n.cluster())).map(f -> f.instance() + "/" + f.job()).toList());
                    ctx.out().println(String.format("%-14s %-36s %-21s %9s  %s", n.cluster(), n.id(),
                            ago(n.lastCheckin(), now) + (n.alive(now) ? "" : " SILENT"),
                            n.interval().toMillis() + "ms", executing.isEmpty() ? "-" : executing));
                }
                if (s.nodes().isEmpty()) {
                    ctx.out().println("(no daemon checked in: start 'backup daemon' on a node)");
                }
            }
            ctx.out().println();
            ctx.out().println(String.format("%-16s %-40s %-24s %8s  %s", "INSTANCE", "RUNNING", "HOST", "PID", "SINCE"));
            for (ClusterState.Work w : s.running()) {
                ctx.out().println(String.format("%-16s %-40s %-24s %8d  %s", w.instance(), w.what(), w.host(), w.pid(),
                        ago(w.since(), now)));
            }
            if (s.running().isEmpty()) {
                ctx.out().println("(nothing runs)");
            }
        }

        private static String ago(Instant t, Instant now) {
            return ListCommand.LOCAL.format(t).substring(11) + " (" + Math.max(0, Duration.between(t, now)
                    .toSeconds()) + "s)";
        }
    }
}
