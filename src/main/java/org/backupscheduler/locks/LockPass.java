package org.backupscheduler.locks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.config.LocksConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One look at the server: snapshot, decide, act, audit. */
public final class LockPass {
    private static final Logger log = LoggerFactory.getLogger(LockPass.class);

    private final LocksConfig config;
    private final LockActions audit;
    private final String instance;
    private final String backupUser;

    public LockPass(LocksConfig config, LockActions audit, String instance, String backupUser) {
        this.config = config;
        this.audit = audit;
        this.instance = instance;
        this.backupUser = backupUser;
    }

    /** A decision and what came of it. */
    public record Outcome(Decision decision, String result) {
    }

    public List<Outcome> run(Connection c, String backupId) throws SQLException {
        Snapshot snapshot = Snapshots.read(c, backupUser);
        List<Outcome> outcomes = new ArrayList<>();
        for (Decision d : new KillPolicy(config).decide(snapshot)) {
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
            (d.acts() ? log.atWarn() : log.atInfo()).log("lock policy: {} {} — {} ({})", action, s.describe(),
                    d.why(), result);
            outcomes.add(new Outcome(d, result));
        }
        return outcomes;
    }
}
