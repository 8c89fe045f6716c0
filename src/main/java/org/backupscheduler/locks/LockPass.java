package org.backupscheduler.locks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.config.LocksConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One look at the server: snapshot, the kills already done in this pile-up, decide, act, audit. */
public final class LockPass {
    private static final Logger log = LoggerFactory.getLogger(LockPass.class);
    /** How far before the oldest wait began the audit is read for earlier kills (clock slack, a slow pass). */
    private static final Duration LOOK_BACK_SLACK = Duration.ofMinutes(1);

    private final LocksConfig config;
    private final LockActions audit;
    private final String instance;

    public LockPass(LocksConfig config, LockActions audit, String instance) {
        this.config = config;
        this.audit = audit;
        this.instance = instance;
    }

    /** A decision and what came of it. */
    public record Outcome(Decision decision, String result) {
    }

    /**
     * One pass. {@code run}: the run in progress whose sessions are the backup's
     * ({@link RunSessions#NONE} outside a run); {@code backupId}: its id for the audit, or null.
     */
    public List<Outcome> run(Connection c, RunSessions run, String backupId) throws SQLException {
        Snapshot snapshot = Snapshots.read(c, run);
        List<Outcome> outcomes = new ArrayList<>();
        for (Decision d : new KillPolicy(config).decide(snapshot, priorKills(snapshot))) {
            String result = KillExecutor.execute(c, d);
            Session s = d.session();
            String action = switch (d.kind()) {
                case KILL -> "KILL";
                case KILL_QUERY -> "KILL QUERY";
                case NONE -> d.rule().equals("print") ? "PRINT" : "NONE";
            };
            audit.record(new LockActions.Row(instance, snapshot.takenAt(), s.id(), backupId, s.user(), s.host(),
                    s.db(), s.command(), s.state(), s.timeSeconds(), s.info(),
                    d.blockerOf().stream().map(String::valueOf).collect(Collectors.joining(",")),
                    d.rule() + ": " + d.why(), action, result));
            (d.acts() || d.rule().equals("max-kills") ? log.atWarn() : log.atInfo())
                    .log("lock policy: {} {} — {} ({})", action, s.describe(), d.why(), result);
            outcomes.add(new Outcome(d, result));
        }
        return outcomes;
    }

    /**
     * The kills this instance's policy did since the oldest wait in {@code s} began, whoever did
     * them (the run's watcher, the daemon, {@code locks watch}): the audit is the policy's memory
     * between passes. A kill that found its session gone or changed did nothing and is not counted.
     */
    private List<PriorKill> priorKills(Snapshot s) {
        long longestWait = s.sessions().stream().filter(PileUp::waiting).mapToLong(Session::timeSeconds).max()
                .orElse(-1);
        if (longestWait < config.waitThreshold().toSeconds()) {
            return List.of(); // no pile-up: nothing to remember
        }
        Instant from = s.takenAt().minusSeconds(longestWait).minus(LOOK_BACK_SLACK);
        List<PriorKill> prior = new ArrayList<>();
        for (LockActions.Row r : audit.between(instance, from, s.takenAt())) {
            Decision.Kind kind = switch (r.action()) {
                case "KILL" -> Decision.Kind.KILL;
                case "KILL QUERY" -> Decision.Kind.KILL_QUERY;
                default -> null;
            };
            boolean done = r.result().equals("killed") || r.result().equals("query killed")
                    || r.result().startsWith("error");
            if (kind != null && done) {
                prior.add(new PriorKill(r.sessionId(), kind, ids(r.blockerOf())));
            }
        }
        return prior;
    }

    private static List<Long> ids(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::strip).map(Long::valueOf).toList();
    }
}
