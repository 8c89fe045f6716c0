package org.backupscheduler.locks;

import java.util.List;

/**
 * What the policy decided about one session: the action (KILL, KILL_QUERY, or NONE when it may
 * not or must not act), the rule that led there, why, and whom acting frees ({@code blockerOf}): for
 * a blocker, the stuck read-lock requests; for a request, the sessions queued on locks behind it.
 */
public record Decision(Session session, Kind kind, String rule, String why, List<Long> blockerOf) {

    public Decision {
        blockerOf = List.copyOf(blockerOf);
    }

    public enum Kind {
        /** KILL id: ends the connection (a blocker left by maintenance). */
        KILL,
        /**
         * KILL QUERY id: ends the statement, keeps the connection (a stuck read-lock request, the
         * backup, a guessed blocker the first time).
         */
        KILL_QUERY,
        /** Nothing is done: print mode, or the session is protected; the decision is recorded. */
        NONE
    }

    public boolean acts() {
        return kind != Kind.NONE;
    }
}
