package org.backupscheduler.locks;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A read-lock pile-up as the processlist shows it (DESIGN.md, "locks"): the <em>stuck requests</em>
 * — read or backup lock requests (what hotcopy and backup tools send) waiting at least the
 * threshold — and the <em>victims</em>, every other session queued on a lock, typically application
 * writers behind a request. Only stuck requests trigger the policy: an ALTER waiting behind an
 * UPDATE is the application's own business, and a victim is never a target.
 */
public record PileUp(List<Session> requests, List<Session> victims) {
    /** The states of sessions queued on a lock (MariaDB 10.11 and MySQL). */
    public static final Set<String> WAIT_STATES = Set.of("Waiting for backup lock", "Waiting for global read lock",
            "Waiting for table flush", "Waiting for table metadata lock", "Waiting for table level lock");

    /**
     * What asks for a read or backup lock: FLUSH TABLES [tbl, ...] [WITH READ LOCK] (FTWRL,
     * mariadb-hotcopy, and the plain flush that hotcopy's old-server mode and xtrabackup send
     * before it), LOCK TABLES ... READ, BACKUP STAGE / BACKUP LOCK (mariabackup), and Percona's
     * LOCK TABLES / LOCK BINLOG FOR BACKUP. Leading comments are skipped: tools prefix them.
     */
    private static final Pattern READ_LOCK_REQUEST = Pattern.compile("^\\s*(?:/\\*.*?\\*/\\s*)*(?:"
            + "FLUSH\\s+(?:NO_WRITE_TO_BINLOG\\s+|LOCAL\\s+)?TABLES?\\b"
            + "|LOCK\\s+TABLES?\\b.*\\bREAD\\b"
            + "|LOCK\\s+(?:TABLES|BINLOG)\\s+FOR\\s+BACKUP\\b"
            + "|BACKUP\\s+(?:STAGE|LOCK)\\b)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    public PileUp {
        requests = List.copyOf(requests);
        victims = List.copyOf(victims);
    }

    /** The pile-up in {@code s}: requests waiting {@code thresholdSeconds} or more, longest first. */
    public static PileUp of(Snapshot s, long thresholdSeconds) {
        List<Session> requests = s.sessions().stream()
                .filter(x -> waiting(x) && isReadLockRequest(x.info()) && x.timeSeconds() >= thresholdSeconds)
                .sorted(Comparator.comparingLong(Session::timeSeconds).reversed()).toList();
        // A request younger than the threshold is not a victim either: it is a request, queued.
        List<Session> victims = s.sessions().stream().filter(x -> waiting(x) && !isReadLockRequest(x.info()))
                .toList();
        return new PileUp(requests, victims);
    }

    public static boolean waiting(Session x) {
        return x.state() != null && WAIT_STATES.contains(x.state());
    }

    public static boolean isReadLockRequest(String info) {
        return info != null && READ_LOCK_REQUEST.matcher(info).find();
    }

    public boolean isEmpty() {
        return requests.isEmpty();
    }

    public List<Long> requestIds() {
        return requests.stream().map(Session::id).toList();
    }

    public List<Long> victimIds() {
        return victims.stream().map(Session::id).toList();
    }
}
