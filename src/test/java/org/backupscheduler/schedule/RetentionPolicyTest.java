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

    /** With min-verified 1: the buckets alone (and the newest VERIFIED backup). */
    private Set<String> expired(int hourly, int daily, int weekly) {
        return expired(new RetentionConfig(hourly, daily, weekly, 1), Set.of());
    }

    private Set<String> expired(RetentionConfig config, Set<String> pinned) {
        List<BackupRecord> newestFirst = all.stream().sorted(Comparator.comparing(BackupRecord::startedAt).reversed())
                .toList();
        return new TreeSet<>(new RetentionPolicy(config, ZoneOffset.UTC)
                .toExpire(newestFirst, pinned).keySet().stream().map(BackupRecord::id).toList());
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

    @Test
    void aSecondBackupInTheHourDoesNotExpireTheFirstWhileMinVerifiedNeedsIt() {
        add("first", Duration.ZERO, BackupStatus.VERIFIED, BackupType.FULL, null);
        add("second", Duration.ofMinutes(20), BackupStatus.VERIFIED, BackupType.FULL, null);
        assertEquals(Set.of("first"), expired(1, 0, 0), "the buckets alone keep one an hour");
        assertEquals(Set.of(), expired(new RetentionConfig(1, 0, 0, null), Set.of()), "min-verified 2 by default");

        add("third", Duration.ofMinutes(40), BackupStatus.VERIFIED, BackupType.FULL, null);
        assertEquals(Set.of("first"), expired(new RetentionConfig(1, 0, 0, null), Set.of()),
                "a minimum, not a reason to keep everything");
    }

    @Test
    void minVerifiedCountsOnlyVerifiedBackupsAndKeepsTheirChains() {
        add("full", Duration.ZERO, BackupStatus.VERIFIED, BackupType.FULL, null);
        add("inc", Duration.ofMinutes(10), BackupStatus.VERIFIED, BackupType.INCREMENTAL, "full");
        add("invalid", Duration.ofMinutes(20), BackupStatus.INVALID, BackupType.FULL, null);
        add("newest", Duration.ofMinutes(30), BackupStatus.VERIFIED, BackupType.FULL, null);
        assertEquals(Set.of("invalid"), expired(new RetentionConfig(0, 0, 0, 2), Set.of()),
                "the second VERIFIED is inc, and inc needs full");
    }

    @Test
    void aPinnedBackupAndWhatItNeedsAreKept() {
        add("full", Duration.ZERO, BackupStatus.VERIFIED, BackupType.FULL, null);
        add("inc", Duration.ofMinutes(10), BackupStatus.VERIFIED, BackupType.INCREMENTAL, "full");
        add("other", Duration.ofMinutes(20), BackupStatus.VERIFIED, BackupType.FULL, null);
        add("newest", Duration.ofHours(5), BackupStatus.VERIFIED, BackupType.FULL, null);
        assertEquals(Set.of("full", "inc", "other"), expired(new RetentionConfig(0, 0, 0, 1), Set.of()));
        assertEquals(Set.of("other"), expired(new RetentionConfig(0, 0, 0, 1), Set.of("inc")));
    }
}
