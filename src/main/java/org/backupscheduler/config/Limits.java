package org.backupscheduler.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code limits:}: how many engines run at once on one database host ({@code per-host}, across
 * every daemon of a cluster), how many on one scheduler node ({@code total}), and a random delay
 * of up to {@code jitter} before a fire starts, so that forty instances scheduled at the top of
 * the hour do not all start in the same second. A fire over a limit waits; it is not SKIPPED.
 */
public record Limits(Integer perHost, Integer total, Duration jitter) {
    public static final Limits DEFAULT = new Limits(null, null, null);

    public Limits {
        perHost = perHost != null ? perHost : 1;
        total = total != null ? total : 4;
        jitter = jitter != null ? jitter : Duration.ZERO;
    }

    /**
     * A node's limits for the instances it runs: per instance its own per-host and jitter; the
     * node's total is the smallest any instance asks for (set it once, in defaults.yml).
     */
    public static Limits of(List<Limits> instances) {
        return new Limits(null, instances.stream().mapToInt(Limits::total).min().orElse(DEFAULT.total()), null);
    }
}
