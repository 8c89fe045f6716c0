package org.backupscheduler.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code locks:}: the kill policy for stuck read-lock sessions. {@code maxKills}: how many
 * blocker kills one pile-up may take before the policy gives up on it (default 3).
 */
public record LocksConfig(Duration interval, Duration waitThreshold, Action action, Blocker blocker,
                          List<String> protectUsers, List<String> ignoreUsers, String matchInfo, SessionFilter match,
                          SessionFilter ignore, Integer maxKills) {
    public static final int DEFAULT_MAX_KILLS = 3;

    public LocksConfig {
        interval = interval != null ? interval : Duration.ofSeconds(5);
        waitThreshold = waitThreshold != null ? waitThreshold : Duration.ofSeconds(30);
        action = action != null ? action : Action.KILL_BLOCKER;
        blocker = blocker != null ? blocker : Blocker.AUTO;
        protectUsers = protectUsers != null ? List.copyOf(protectUsers) : List.of();
        ignoreUsers = ignoreUsers != null ? List.copyOf(ignoreUsers) : List.of();
        match = match != null ? match : SessionFilter.NONE;
        ignore = ignore != null ? ignore : SessionFilter.NONE;
        maxKills = maxKills != null ? maxKills : DEFAULT_MAX_KILLS;
    }

    /** Without {@code max-kills}: the default cap. */
    public LocksConfig(Duration interval, Duration waitThreshold, Action action, Blocker blocker,
                       List<String> protectUsers, List<String> ignoreUsers, String matchInfo, SessionFilter match,
                       SessionFilter ignore) {
        this(interval, waitThreshold, action, blocker, protectUsers, ignoreUsers, matchInfo, match, ignore, null);
    }

    /** The same policy with another action ({@code locks watch --dry-run}: print). */
    public LocksConfig withAction(Action other) {
        return new LocksConfig(interval, waitThreshold, other, blocker, protectUsers, ignoreUsers, matchInfo, match,
                ignore, maxKills);
    }

    public enum Action implements ConfigEnum {
        KILL_BLOCKER("kill-blocker"), KILL_WAITERS("kill-waiters"), KILL_BACKUP("kill-backup"), PRINT("print");
        private final String key;
        Action(String key) { this.key = key; }
        @Override public String key() { return key; }
    }

    /** How the session holding up the waiters is found. */
    public enum Blocker implements ConfigEnum {
        /** lock-holder where the server reports metadata locks, else oldest-statement. */
        AUTO("auto"),
        /** The session holding a metadata lock (metadata_lock_info / performance_schema). */
        LOCK_HOLDER("lock-holder"),
        /** The oldest statement still running that is not itself waiting. */
        OLDEST_STATEMENT("oldest-statement");
        private final String key;
        Blocker(String key) { this.key = key; }
        @Override public String key() { return key; }
    }

    /**
     * Regular expressions on a session's columns; a session must match every one given. In
     * {@code match}, only matching sessions may be acted on; in {@code ignore}, matching sessions
     * are left alone.
     */
    public record SessionFilter(String user, String host, String db, String command, String state, String info) {
        public static final SessionFilter NONE = new SessionFilter(null, null, null, null, null, null);

        public boolean isEmpty() {
            return user == null && host == null && db == null && command == null && state == null && info == null;
        }
    }
}
