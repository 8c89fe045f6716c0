package org.backupscheduler.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.replication.ReplicaHealth;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.Endpoints;

/**
 * The configured replicas ({@code replicas.*}) as they are when the report is made, one line each,
 * checked like {@code backup replica check} does. A report is read when things go wrong: a replica
 * that cannot be reached, or whose password cannot be read, gives a line saying so, never a failed
 * report. It does not change the report's exit code: {@code replica check} is the gate for replicas.
 */
public final class ConfiguredReplicas {
    /** What the section says of the replicas checked now. */
    public record Now(int checked, int healthy, List<String> lines) {
        public static final Now NONE = new Now(0, 0, List.of());
    }

    private ConfiguredReplicas() {
    }

    public static Now check(Map<String, ReplicaConfig> replicas, Secrets secrets, Duration maxLag) {
        List<String> lines = new ArrayList<>();
        int healthy = 0;
        for (Map.Entry<String, ReplicaConfig> e : replicas.entrySet()) {
            String name = e.getKey();
            ReplicaConfig r = e.getValue();
            String where = name + " (" + (r.host() == null ? r.socket() : r.host() + ":" + r.port()) + ")";
            String line;
            try {
                Endpoint replica = Endpoints.replica(name, r, secrets);
                if (r.primary() == null) {
                    line = where + ": not checked: replicas." + name + ".primary is not configured";
                } else {
                    Endpoint primary = Endpoints.primary(name, r, secrets);
                    ReplicaHealth h = ReplicaHealth.check(name, replica, primary, maxLag);
                    healthy += h.healthy() ? 1 : 0;
                    line = describe(where, h);
                }
            } catch (RuntimeException ex) {
                // An unreadable password file, a bad endpoint: say it and go on with the next one.
                line = where + ": not checked: " + ex.getMessage();
            }
            lines.add("now  " + line);
        }
        return new Now(replicas.size(), healthy, lines);
    }

    private static String describe(String where, ReplicaHealth h) {
        if (h.state().isEmpty()) {
            // ReplicaHealth says "cannot connect to replica ..." or "no replication configured"
            String problem = h.problems().isEmpty() ? "no replication state" : h.problems().get(0);
            return where + ": " + (problem.startsWith("cannot connect") ? "unreachable: " : "BROKEN: ") + problem;
        }
        StringBuilder s = new StringBuilder(where).append(": ").append(h.healthy() ? "OK" : "BROKEN").append(", ")
                .append(h.state().get().describe());
        h.problems().forEach(p -> s.append("; ").append(p));
        h.risks().forEach(p -> s.append("; risk: ").append(p));
        return s.toString();
    }
}
