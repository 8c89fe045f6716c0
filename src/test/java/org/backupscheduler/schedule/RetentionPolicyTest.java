package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.config.RetentionConfig;
import org.backupscheduler.engine.Coordinates;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-02T00:30:00Z"); // a Monday

    private final List<BackupRecord> all = new ArrayList<>();

    private BackupRecord add(String id, Duration after, BackupStatus status, BackupType type, String parent) {
        BackupRecord b = new BackupRecord("db1", id, type, parent, status, T0.plus(after),
                T0.plus(after).plusSeconds(60), new BackupRecord.Contents(1L, 1),
                new BackupRecord.Engine("mariabackup", "10.11"), new BackupRecord.Lsns(0L, 1L), Coordinates.NONE,
                new BackupRecord.Source("h:3306", 1L), "/repo/db1/" + id, null);
        all.add(b);
        return b;
    }

    private Set<String> expired(int hourly, int daily, int weekly) {
        List<BackupRecord> newestFirst = all.stream().sorted(Comparator.comparing(BackupRecord::startedAt).reversed())
                .toList();
        return new TreeSet<>(new RetentionPolicy(new RetentionConfig(hourly, daily, weekly), ZoneOffset.UTC)
                .toExpire(newestFirst).keySet().stream().map(BackupRecord::id).toList());
    }

    @Test
    void keepsTheNewestPerHourDayAndWeek() {
        // Hourly fulls over three days.
        for (int h = 0; h < 72; h++) {
            add(String.format("h%02d", h), Duration.ofHours(h), BackupStatus.VERIFIED, BackupType.FULL, null);
        }
        Set<String> expired = expired(3, 2, 1);
        // Kept: h71, h70, h69 (hours), h47 (newest of day 2; day 3's newest is h71), h71 also the week's.
        Set<String> kept = new TreeSet<>();
        all.forEach(b -> {
            if (!expired.contains(b.id())) {
                kept.add(b.id());
            }
        });
        assertEquals(Set.of("h47", "h69", "h70", "h71"), kept);
    }

    @Test
    void theNewestVerifiedBackupIsKeptEvenWithRetentionZero() {
        add("a", Duration.ZERO, BackupStatus.VERIFIED, BackupType.FULL, null);
        add("b", Duration.ofHours(1), BackupStatus.VERIFIED, BackupType.FULL, null);
        assertEquals(Set.of("a"), expired(0, 0, 0));
    }

    @Test
    void chainsStayWhole() {
        add("full", Duration.ZERO, BackupStatus.VERIFIED, BackupType.FULL, null);
        add("inc1", Duration.ofHours(1), BackupStatus.VERIFIED, BackupType.INCREMENTAL, "full");
        add("inc2", Duration.ofHours(2), BackupStatus.VERIFIED, BackupType.INCREMENTAL, "inc1");
        add("other", Duration.ofMinutes(30), BackupStatus.VERIFIED, BackupType.FULL, null);
        assertEquals(Set.of("other"), expired(1, 0, 0), "inc2 needs inc1 and full");
    }

    @Test
    void failuresGoOnlyOnceSomethingNewerIsVerifiedAndRunningNeverGoes() {
        add("old-failed", Duration.ZERO, BackupStatus.FAILED, BackupType.FULL, null);
        add("old-invalid", Duration.ofMinutes(5), BackupStatus.INVALID, BackupType.FULL, null);
        add("good", Duration.ofHours(1), BackupStatus.VERIFIED, BackupType.FULL, null);
        add("new-failed", Duration.ofHours(2), BackupStatus.FAILED, BackupType.FULL, null);
        add("running", Duration.ofHours(3), BackupStatus.RUNNING, BackupType.FULL, null);
        add("skipped", Duration.ofMinutes(1), BackupStatus.SKIPPED, BackupType.FULL, null);
        add("expired", Duration.ofMinutes(2), BackupStatus.EXPIRED, BackupType.FULL, null);
        assertEquals(Set.of("old-failed", "old-invalid"), expired(24, 7, 4));
    }

    @Test
    void withoutAnyVerifiedBackupNothingIsRemoved() {
        add("f1", Duration.ZERO, BackupStatus.FAILED, BackupType.FULL, null);
        add("c1", Duration.ofHours(1), BackupStatus.COMPLETED, BackupType.FULL, null);
        assertEquals(Set.of(), expired(0, 0, 0));
    }
}
