package org.backupscheduler.config;

import java.time.Duration;

/** {@code schedule:}: cron expressions and the run timeout. */
public record ScheduleConfig(String full, String incremental, Duration runTimeout) {

    public ScheduleConfig {
        full = full != null ? full : "@hourly";
        runTimeout = runTimeout != null ? runTimeout : Duration.ofMinutes(50);
    }
}
