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
 * The timeout-and-kill policy, pure: a snapshot in, decisions out. It acts only when sessions
 * have waited on a lock for at least {@code wait-threshold}, and never on a protected session:
 * replication threads, the event scheduler, our own connections, {@code protect-users}.
 */
public final class KillPolicy {
    /** The states of sessions queued behind a lock (MariaDB 10.11 and MySQL). */
    public static final Set<String> WAIT_STATES = Set.of("Waiting for backup lock", "Waiting for global read lock",
            "Waiting for table flush", "Waiting for table metadata lock", "Waiting for table level lock");
    private static final Set<String> SYSTEM_COMMANDS = Set.of("Binlog Dump", "Binlog Dump GTID", "Slave_IO",
            "Slave_SQL", "Slave_worker", "Daemon", "Connect");

    private final LocksConfig config;

    public KillPolicy(LocksConfig config) {
        this.config = config;
    }

    public List<Decision> decide(Snapshot s) {
        long threshold = config.waitThreshold().toSeconds();
        List<Session> waiters = s.sessions().stream()
                .filter(x -> x.state() != null && WAIT_STATES.contains(x.state()) && x.timeSeconds() >= threshold)
                .sorted(Comparator.comparingLong(Session::timeSeconds).reversed()).toList();
        if (waiters.isEmpty()) {
            return List.of();
        }
        List<Long> waiterIds = waiters.stream().map(Session::id).toList();
        String waiting = waiters.size() + " session(s) waiting on a lock, the longest " + waiters.get(0).timeSeconds()
                + "s (locks.wait-threshold " + Durations.format(config.waitThreshold()) + ")";
        return switch (config.action()) {
            case KILL_BLOCKER, PRINT -> List.of(blockerDecision(s, waiters, waiterIds, waiting));
            case KILL_WAITERS -> waiters.stream().map(w -> guarded(s, w, Decision.Kind.KILL_QUERY, "kill-waiters",
                    "waited " + w.timeSeconds() + "s in '" + w.state() + "'", List.of(), true)).toList();
            case KILL_BACKUP -> killBackup(s, waiters, waiterIds, waiting);
        };
    }

    private Decision blockerDecision(Snapshot s, List<Session> waiters, List<Long> waiterIds, String waiting) {
        Optional<Session> blocker = findBlocker(s, waiters);
        if (blocker.isEmpty()) {
            return new Decision(waiters.get(0), Decision.Kind.NONE, "no-blocker",
                    waiting + ", but no blocker could be identified", waiterIds);
        }
        Decision d = guarded(s, blocker.get(), Decision.Kind.KILL, "kill-blocker", waiting + "; blocker is the "
                + (s.lockInfo() && !blocker.get().heldLocks().isEmpty() ? "lock holder" : "oldest running statement"),
                waiterIds, false);
        if (config.action() == Action.PRINT && d.acts()) {
            return new Decision(d.session(), Decision.Kind.NONE, "print", "would KILL: " + d.why(), waiterIds);
        }
        return d;
    }

    private List<Decision> killBackup(Snapshot s, List<Session> waiters, List<Long> waiterIds, String waiting) {
        List<Decision> out = new ArrayList<>();
        for (Session x : s.sessions()) {
            if (isBackup(s, x) && x.info() != null && !s.ours().contains(x.id())) {
                out.add(new Decision(x, Decision.Kind.KILL_QUERY, "kill-backup",
                        waiting + "; the backup gives way", waiterIds));
            }
        }
        if (out.isEmpty()) {
            out.add(new Decision(waiters.get(0), Decision.Kind.NONE, "kill-backup",
                    waiting + ", but no backup session holds or waits for a lock", waiterIds));
        }
        return out;
    }

    /**
     * The session everyone waits behind: not waiting itself, not the backup, not a system thread,
     * running at least as long as the threshold; a metadata-lock holder first where the server
     * reports them, else the oldest running statement.
     */
    Optional<Session> findBlocker(Snapshot s, List<Session> waiters) {
        long threshold = config.waitThreshold().toSeconds();
        List<Session> candidates = s.sessions().stream()
                .filter(x -> waiters.stream().noneMatch(w -> w.id() == x.id()))
                .filter(x -> x.state() == null || !WAIT_STATES.contains(x.state()))
                .filter(x -> !isBackup(s, x) && !s.ours().contains(x.id()))
                .filter(x -> x.timeSeconds() >= threshold)
                .toList();
        boolean byLocks = config.blocker() != LocksConfig.Blocker.OLDEST_STATEMENT && s.lockInfo();
        if (byLocks) {
            Optional<Session> holder = candidates.stream().filter(x -> !x.heldLocks().isEmpty())
                    .max(Comparator.comparingLong(Session::timeSeconds));
            if (holder.isPresent() || config.blocker() == LocksConfig.Blocker.LOCK_HOLDER) {
                return holder;
            }
        }
        return candidates.stream().filter(x -> "Query".equals(x.command()) || "Execute".equals(x.command()))
                .filter(x -> x.info() != null).max(Comparator.comparingLong(Session::timeSeconds));
    }

    /** A decision to act on {@code x}, unless it is protected or outside locks.match / locks.ignore. */
    private Decision guarded(Snapshot s, Session x, Decision.Kind kind, String rule, String why, List<Long> of,
                             boolean skipBackup) {
        String protection = protection(s, x);
        if (protection == null && skipBackup && isBackup(s, x)) {
            protection = "the backup's own session";
        }
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

    private static boolean isBackup(Snapshot s, Session x) {
        return s.backupUser() != null && s.backupUser().equals(x.user());
    }
}
