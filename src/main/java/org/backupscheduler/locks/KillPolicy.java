package org.backupscheduler.locks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.backupscheduler.config.Durations;
import org.backupscheduler.config.LocksConfig;
import org.backupscheduler.config.LocksConfig.Action;
import org.backupscheduler.config.LocksConfig.SessionFilter;

/**
 * The timeout-and-kill policy, pure: a snapshot in, decisions out. It acts only when a read or
 * backup lock request (hotcopy's, a backup tool's) has waited at least {@code wait-threshold}
 * ({@link PileUp}), never on the victims queued behind it, and never on a protected session:
 * replication threads, the event scheduler, our own connections, {@code protect-users}. "The
 * backup" is the run in progress on this instance ({@link Snapshot#runSessions}); with none in
 * progress, the backup account's sessions are handled like anyone's (an old hotcopy job's FTWRL).
 */
public final class KillPolicy {
    private static final Set<String> SYSTEM_COMMANDS = Set.of("Binlog Dump", "Binlog Dump GTID", "Slave_IO",
            "Slave_SQL", "Slave_worker", "Daemon", "Connect");

    private final LocksConfig config;

    public KillPolicy(LocksConfig config) {
        this.config = config;
    }

    /** The decisions for a first look at a pile-up: nothing done about it yet. */
    public List<Decision> decide(Snapshot s) {
        return decide(s, List.of());
    }

    /**
     * The decisions for {@code s}, given the kills already done ({@code prior}, from the audit; only
     * those aimed at this pile-up's requests count): they escalate a guessed blocker's KILL QUERY to
     * KILL and count towards {@code locks.max-kills}.
     */
    public List<Decision> decide(Snapshot s, List<PriorKill> prior) {
        PileUp pileUp = PileUp.of(s, config.waitThreshold().toSeconds());
        if (pileUp.isEmpty()) {
            return List.of();
        }
        // Kept short: the audit keeps 255 characters of rule and reason.
        String waiting = pileUp.requests().size() + " read-lock request(s) waiting, the longest "
                + pileUp.requests().get(0).timeSeconds() + "s (wait-threshold "
                + Durations.format(config.waitThreshold()) + "), " + pileUp.victims().size() + " queued on locks";
        return switch (config.action()) {
            case KILL_BLOCKER, PRINT -> List.of(blockerDecision(s, pileUp, waiting, inPileUp(prior, pileUp)));
            case KILL_WAITERS -> pileUp.requests().stream().map(r -> requestDecision(s, pileUp, r)).toList();
            case KILL_BACKUP -> killBackup(s, pileUp, waiting);
        };
    }

    /** The prior kills aimed at this pile-up: those that were to free one of its requests. */
    private static List<PriorKill> inPileUp(List<PriorKill> prior, PileUp pileUp) {
        List<Long> requests = pileUp.requestIds();
        return prior.stream().filter(p -> p.blockerOf().stream().anyMatch(requests::contains)).toList();
    }

    /**
     * kill-waiters on one stuck request: KILL QUERY, so the victims queued behind it drain. Our
     * own backup's request is not ended here: that is kill-backup's choice. Left alone, it makes
     * the run give up (LockWatcher) — the backup still does not queue, but it fails through the
     * workflow, engine stopped and the blocker named in its reason, instead of on a KILL QUERY
     * under the engine's feet.
     */
    private Decision requestDecision(Snapshot s, PileUp pileUp, Session r) {
        String why = "read-lock request waited " + r.timeSeconds() + "s in '" + r.state() + "' (wait-threshold "
                + Durations.format(config.waitThreshold()) + ")";
        if (isBackup(s, r)) {
            return new Decision(r, Decision.Kind.NONE, "own-backup", why
                    + "; not killed: our backup's request (kill-backup ends it, else the run gives up)"
                    + findBlocker(s).map(b -> "; it waits behind session " + b.id()).orElse(""), pileUp.victimIds());
        }
        return guarded(s, r, Decision.Kind.KILL_QUERY, "kill-waiters", why, pileUp.victimIds());
    }

    /**
     * kill-blocker and print. A blocker known from the server's lock information is a lock holder,
     * often an idle session left over: KILL ends its connection. A guessed one (the oldest running
     * statement, no lock information) may be innocent, so it must have started before the request it
     * is blamed for, gets KILL QUERY first and KILL only if it is still there at the next look; and
     * after {@code locks.max-kills} kills in one pile-up the policy stops guessing and says so.
     */
    private Decision blockerDecision(Snapshot s, PileUp pileUp, String waiting, List<PriorKill> prior) {
        List<Long> requestIds = pileUp.requestIds();
        Optional<Session> found = findBlocker(s);
        if (found.isEmpty()) {
            return new Decision(pileUp.requests().get(0), Decision.Kind.NONE, "no-blocker",
                    waiting + ", but no blocker could be identified", requestIds);
        }
        Session blocker = found.get();
        Session request = pileUp.requests().get(0);
        // Known only when found by the lock information (not with blocker: oldest-statement).
        boolean known = byLocks(s) && !blocker.heldLocks().isEmpty();
        String why = waiting + "; blocker is the " + (known ? "lock holder" : "oldest running statement");
        if (!known && blocker.timeSeconds() <= request.timeSeconds()) {
            return new Decision(blocker, Decision.Kind.NONE, "younger-than-request", why + " (guessed); not killed: "
                    + "it runs " + blocker.timeSeconds() + "s, the request has waited " + request.timeSeconds()
                    + "s, so it is not what the request waits for", requestIds);
        }
        if (prior.size() >= config.maxKills()) {
            return new Decision(blocker, Decision.Kind.NONE, "max-kills", why + "; giving up: " + prior.size()
                    + " kill(s) in this pile-up already (locks.max-kills " + config.maxKills() + ")", requestIds);
        }
        Decision.Kind kind = Decision.Kind.KILL;
        if (!known) {
            boolean queried = prior.stream().anyMatch(p -> p.sessionId() == blocker.id()
                    && p.kind() == Decision.Kind.KILL_QUERY);
            kind = queried ? Decision.Kind.KILL : Decision.Kind.KILL_QUERY;
            why += queried ? " (guessed), still there after KILL QUERY" : " (guessed): KILL QUERY first";
        }
        Decision d = guarded(s, blocker, kind, "kill-blocker", why, requestIds);
        if (config.action() == Action.PRINT && d.acts()) {
            return new Decision(d.session(), Decision.Kind.NONE, "print", "would "
                    + (d.kind() == Decision.Kind.KILL ? "KILL" : "KILL QUERY") + ": " + d.why(), requestIds);
        }
        return d;
    }

    /** kill-backup: KILL QUERY of our own backup's lock statements, wherever they stand in the pile-up. */
    private List<Decision> killBackup(Snapshot s, PileUp pileUp, String waiting) {
        List<Decision> out = new ArrayList<>();
        for (Session x : s.sessions()) {
            if (isBackup(s, x) && PileUp.isReadLockRequest(x.info()) && !s.ours().contains(x.id())) {
                out.add(new Decision(x, Decision.Kind.KILL_QUERY, "kill-backup",
                        waiting + "; the backup gives way", pileUp.victimIds()));
            }
        }
        if (out.isEmpty()) {
            out.add(new Decision(pileUp.requests().get(0), Decision.Kind.NONE, "kill-backup",
                    waiting + ", but no backup session holds or waits for a lock", pileUp.requestIds()));
        }
        return out;
    }

    /**
     * The session the requests wait behind: not waiting itself, not the backup nor ours, running
     * at least as long as the threshold; a metadata-lock holder first where the server reports
     * them, else the oldest running statement. A system thread can be found (a replica's SQL
     * thread replaying a long statement): the decision then names it, protected.
     */
    Optional<Session> findBlocker(Snapshot s) {
        long threshold = config.waitThreshold().toSeconds();
        List<Session> candidates = s.sessions().stream()
                .filter(x -> !PileUp.waiting(x))
                .filter(x -> !isBackup(s, x) && !s.ours().contains(x.id()))
                .filter(x -> x.timeSeconds() >= threshold)
                .toList();
        if (byLocks(s)) {
            Optional<Session> holder = candidates.stream().filter(x -> !x.heldLocks().isEmpty())
                    .max(Comparator.comparingLong(Session::timeSeconds));
            if (holder.isPresent() || config.blocker() == LocksConfig.Blocker.LOCK_HOLDER) {
                return holder;
            }
        }
        return candidates.stream().filter(x -> "Query".equals(x.command()) || "Execute".equals(x.command()))
                .filter(x -> x.info() != null).max(Comparator.comparingLong(Session::timeSeconds));
    }

    /** Whether the blocker is looked for among lock holders: the server reports them and the config allows it. */
    private boolean byLocks(Snapshot s) {
        return config.blocker() != LocksConfig.Blocker.OLDEST_STATEMENT && s.lockInfo();
    }

    /** A decision to act on {@code x}, unless it is protected or outside locks.match / locks.ignore. */
    private Decision guarded(Snapshot s, Session x, Decision.Kind kind, String rule, String why, List<Long> of) {
        String protection = protection(s, x);
        if (protection != null) {
            return new Decision(x, Decision.Kind.NONE, "protected", why + "; not killed: " + protection, of);
        }
        String filtered = filteredOut(x);
        if (filtered != null) {
            return new Decision(x, Decision.Kind.NONE, "not-matched", why + "; not killed: " + filtered, of);
        }
        return new Decision(x, kind, rule, why, of);
    }

    /** Why a session may never be killed, or null. */
    String protection(Snapshot s, Session x) {
        if (s.ours().contains(x.id())) {
            return "our own connection";
        }
        if ("system user".equals(x.user())) {
            return "a replication or system thread (system user)";
        }
        if (x.command() != null && SYSTEM_COMMANDS.contains(x.command())) {
            return "a " + x.command() + " thread";
        }
        if ("event_scheduler".equals(x.user())) {
            return "the event scheduler";
        }
        if (config.protectUsers().contains(x.user())) {
            return "user " + x.user() + " is in locks.protect-users";
        }
        return null;
    }

    private String filteredOut(Session x) {
        if (config.ignoreUsers().contains(x.user())) {
            return "user " + x.user() + " is in locks.ignore-users";
        }
        if (!config.ignore().isEmpty() && matches(config.ignore(), x)) {
            return "matches locks.ignore";
        }
        if (!config.match().isEmpty() && !matches(config.match(), x)) {
            return "outside locks.match";
        }
        if (config.matchInfo() != null && (x.info() == null || !Pattern.compile(config.matchInfo()).matcher(x.info())
                .find())) {
            return "statement does not match locks.match-info";
        }
        return null;
    }

    static boolean matches(SessionFilter f, Session x) {
        return find(f.user(), x.user()) && find(f.host(), x.host()) && find(f.db(), x.db())
                && find(f.command(), x.command()) && find(f.state(), x.state()) && find(f.info(), x.info());
    }

    private static boolean find(String regex, String value) {
        return regex == null || value != null && Pattern.compile(regex).matcher(value).find();
    }

    /** The run in progress's own session (never any other session of the backup account). */
    private static boolean isBackup(Snapshot s, Session x) {
        return s.isRun(x);
    }
}
