package org.backupscheduler.locks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sessions of a server at one moment. {@code ours}: this process's own connections;
 * {@code runSessions}: the sessions of the backup run in progress on this instance (the engine's,
 * {@link RunSessions}), empty when no run is in progress — a session of the backup account is then
 * nobody's backup, and the policy treats it like any other; {@code lockInfo}: whether the server
 * reported metadata locks (so holders are known, not guessed).
 */
public record Snapshot(Instant takenAt, List<Session> sessions, Set<Long> ours, Set<Long> runSessions,
                       boolean lockInfo) {

    public Snapshot {
        sessions = List.copyOf(sessions);
        ours = Set.copyOf(ours);
        runSessions = Set.copyOf(runSessions);
    }

    public Optional<Session> byId(long id) {
        return sessions.stream().filter(s -> s.id() == id).findFirst();
    }

    /** Whether {@code x} is the run's (the engine's) session. */
    public boolean isRun(Session x) {
        return runSessions.contains(x.id());
    }
}
