package org.backupscheduler.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.backupscheduler.binlogs.BinlogStatus;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;

/**
 * {@code /health}: is the newest VERIFIED backup young enough for the schedule (one interval plus
 * the run timeout), and how did the last run end? "ok" or "failing", with the numbers.
 *
 * <p>Anyone who can reach the port reads it, so by default it says no more than ids, statuses
 * and ages. With the binlog archive on, its recovery point and gaps too: a gap is "failing" (a
 * second inside it cannot be restored); an old recovery point alone is not (an idle server writes
 * no events). Why a run failed (a server's error text, naming hosts and accounts) only with
 * {@code metrics.details: true}.
 */
public final class Health {
    private final Backups backups;
    private final String instance;
    private final Duration allowedAge;
    private final Clock clock;
    private final boolean details;
    private final Supplier<BinlogStatus> archive;

    public Health(Backups backups, String instance, Duration allowedAge, Clock clock, boolean details) {
        this(backups, instance, allowedAge, clock, details, null);
    }

    /** {@code archive}: the binlog archive's status, read at each check; null when the archive is off. */
    public Health(Backups backups, String instance, Duration allowedAge, Clock clock, boolean details,
                  Supplier<BinlogStatus> archive) {
        this.archive = archive;
        this.backups = backups;
        this.instance = instance;
        this.allowedAge = allowedAge;
        this.clock = clock;
        this.details = details;
    }

    /** The health as served; "failing" when the catalog cannot be read (why: with details only). */
    public Map<String, Object> check() {
        try {
            return read();
        } catch (RuntimeException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", "failing");
            m.put("instance", instance);
            m.put("error", details ? "catalog unreadable: " + e.getMessage() : "catalog unreadable");
            return m;
        }
    }

    private Map<String, Object> read() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<BackupRecord> verified = backups.listByStatus(instance, BackupStatus.VERIFIED);
        List<BackupRecord> last = backups.list(instance, 1, 0);
        Long age = verified.isEmpty() || verified.get(0).finishedAt() == null ? null
                : Duration.between(verified.get(0).finishedAt(), clock.instant()).toSeconds();
        boolean ok = age != null && age <= allowedAge.toSeconds();
        m.put("status", ok ? "ok" : "failing");
        m.put("instance", instance);
        m.put("newest_valid_backup", verified.isEmpty() ? null : verified.get(0).id());
        m.put("newest_valid_age_seconds", age);
        m.put("allowed_age_seconds", allowedAge.toSeconds());
        m.put("last_run", last.isEmpty() ? null : last.get(0).id());
        m.put("last_run_status", last.isEmpty() ? null : last.get(0).status().name());
        if (details) {
            m.put("last_run_reason", last.isEmpty() ? null : last.get(0).reason());
        }
        if (archive != null) {
            BinlogStatus s = archive.get();
            m.put("binlog_recovery_point_seconds", s.recoveryPoint() == null ? null : s.recoveryPoint().toSeconds());
            m.put("binlog_gaps", s.gaps().size());
            if (!s.gaps().isEmpty()) {
                m.put("status", "failing");
            }
        }
        return m;
    }

    /**
     * A daemon's health: one instance's as {@link #check()} says it; several: "ok" only when every
     * instance is, with each instance's own under "instances".
     */
    public static Map<String, Object> combine(List<Health> instances) {
        if (instances.size() == 1) {
            return instances.get(0).check();
        }
        List<Map<String, Object>> each = instances.stream().map(Health::check).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", each.stream().allMatch(Health::ok) ? "ok" : "failing");
        m.put("failing", each.stream().filter(h -> !ok(h)).map(h -> h.get("instance")).toList());
        m.put("instances", each);
        return m;
    }

    public static boolean ok(Map<String, Object> health) {
        return "ok".equals(health.get("status"));
    }
}
