package org.backupscheduler.locks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sessions of a server at one moment. {@code ours}: this process's own connections;
 * {@code backupUser}: the account the engine connects as (its sessions are the backup's);
 * {@code lockInfo}: whether the server reported metadata locks (so holders are known).
 */
public record Snapshot(Instant takenAt, List<Session> sessions, Set<Long> ours, String backupUser, boolean lockInfo) {

    public Snapshot {
        sessions = List.copyOf(sessions);
        ours = Set.copyOf(ours);
    }

    public Optional<Session> byId(long id) {
        return sessions.stream().filter(s -> s.id() == id).findFirst();
    }
}
