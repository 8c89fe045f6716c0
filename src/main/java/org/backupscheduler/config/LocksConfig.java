package org.backupscheduler.config;

import java.time.Duration;
import java.util.List;

/** {@code locks:}: the kill policy for stuck read-lock sessions. */
public record LocksConfig(Duration interval, Duration waitThreshold, Action action, List<String> protectUsers,
                          List<String> ignoreUsers, String matchInfo) {

    public LocksConfig {
        interval = interval != null ? interval : Duration.ofSeconds(5);
        waitThreshold = waitThreshold != null ? waitThreshold : Duration.ofSeconds(30);
        action = action != null ? action : Action.KILL_BLOCKER;
        protectUsers = protectUsers != null ? List.copyOf(protectUsers) : List.of();
        ignoreUsers = ignoreUsers != null ? List.copyOf(ignoreUsers) : List.of();
    }

    public enum Action implements ConfigEnum {
        KILL_BLOCKER("kill-blocker"), KILL_WAITERS("kill-waiters"), KILL_BACKUP("kill-backup"), PRINT("print");
        private final String key;
        Action(String key) { this.key = key; }
        @Override public String key() { return key; }
    }
}
