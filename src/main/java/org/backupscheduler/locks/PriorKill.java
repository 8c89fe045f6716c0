package org.backupscheduler.locks;

import java.util.List;

/**
 * A kill the policy already did in a pile-up, read back from the audit (lock_actions): which
 * session, KILL or KILL QUERY, and the requests it was meant to free ({@code blockerOf}). The policy
 * is pure, so what it did on an earlier pass comes in as data: it escalates KILL QUERY to KILL on
 * a blocker that is still there, and stops at {@code locks.max-kills}.
 */
public record PriorKill(long sessionId, Decision.Kind kind, List<Long> blockerOf) {

    public PriorKill {
        blockerOf = List.copyOf(blockerOf);
    }
}
