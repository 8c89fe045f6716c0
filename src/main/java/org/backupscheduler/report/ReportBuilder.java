package org.backupscheduler.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.ExpiredReason;
import org.backupscheduler.config.Schedule;

/**
 * Builds a {@link Report} from catalog rows and the schedule: pure, no I/O, so tests can hand it a
 * catalog with known gaps and check every cell. The grid's hours are UTC; the schedule says when a
 * run is due in its own zone ({@code schedule.time-zone}), the same {@link Schedule} the daemon fires.
 */
public final class ReportBuilder {
    /** An INVALID backup that started within this long before the report is a problem. */
    static final Duration RECENT = Duration.ofHours(24);

    private final String instance;
    private final Schedule schedule;
    private final Duration runTimeout;
    private SectionSource lockActions = SectionSource.NOT_RECORDED;
    private SectionSource restoreDrills = SectionSource.NOT_RECORDED;
    private SectionSource replicaHealth = SectionSource.NOT_RECORDED;
    private SectionSource binlogArchive = SectionSource.NOT_RECORDED;

    public ReportBuilder(String instance, Schedule schedule, Duration runTimeout) {
        this.instance = instance;
        this.schedule = schedule;
        this.runTimeout = runTimeout;
    }

    public ReportBuilder lockActions(SectionSource s) {
        lockActions = s;
        return this;
    }

    public ReportBuilder restoreDrills(SectionSource s) {
        restoreDrills = s;
        return this;
    }

    public ReportBuilder binlogArchive(SectionSource s) {
        binlogArchive = s;
        return this;
    }

    public ReportBuilder replicaHealth(SectionSource s) {
        replicaHealth = s;
        return this;
    }

    /** The first instant of the window: midnight UTC, {@code days - 1} days before {@code now}'s day. */
    public static Instant windowStart(Instant now, int days) {
        return now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(days - 1L));
    }

    /** The status a backup had before retention expired it (its {@link ExpiredReason}), else its status. */
    static BackupStatus statusBeforeRetention(BackupRecord b) {
        return b.status() != BackupStatus.EXPIRED ? b.status()
                : ExpiredReason.parse(b.reason()).map(ExpiredReason::was).orElse(b.status());
    }

    /**
     * Why a backup is INVALID, said once: an expired one gives the reason it had before retention
     * took it, and then that retention did ("backup x is INVALID: ...; expired since by retention").
     */
    static String invalidFinding(BackupRecord b) {
        Optional<ExpiredReason> expired = b.status() == BackupStatus.EXPIRED ? ExpiredReason.parse(b.reason())
                : Optional.empty();
        String reason = expired.isPresent() ? expired.get().reason() : b.reason();
        return "backup " + b.id() + " is INVALID: " + (reason == null ? "no reason recorded" : reason)
                + (expired.isPresent() ? "; expired since by retention" : "");
    }

    /**
     * @param inWindow backups that started in [windowStart, now], any order
     * @param verifiedBefore the newest VERIFIED backup the catalog knows that may be older than the
     *                       window, or null; the newest VERIFIED of the window wins over it
     * @param retention counts by status over the whole catalog
     */
    public Report build(Instant now, int days, List<BackupRecord> inWindow, BackupRecord verifiedBefore,
                        Map<BackupStatus, Long> retention) {
        Instant from = windowStart(now, days);
        // Derived here, not trusted from the caller: the recovery point is what the rows say.
        BackupRecord newestVerified = inWindow.stream().filter(b -> b.status() == BackupStatus.VERIFIED)
                .filter(b -> !b.startedAt().isAfter(now))
                .max((a, b) -> a.startedAt().compareTo(b.startedAt())).orElse(null);
        if (verifiedBefore != null && verifiedBefore.status() == BackupStatus.VERIFIED
                && (newestVerified == null || verifiedBefore.startedAt().isAfter(newestVerified.startedAt()))) {
            newestVerified = verifiedBefore;
        }
        List<Report.DayRow> grid = grid(now, days, from, inWindow);
        List<Report.Point> points = new ArrayList<>();
        List<BackupRecord> problems = new ArrayList<>();
        List<BackupRecord> sorted = inWindow.stream()
                .sorted((a, b) -> a.startedAt().compareTo(b.startedAt())).toList();
        for (BackupRecord b : sorted) {
            Long took = b.finishedAt() == null ? null : Duration.between(b.startedAt(), b.finishedAt()).toSeconds();
            points.add(new Report.Point(b.id(), b.startedAt(), b.status(), b.sizeBytes(), took));
            BackupStatus was = statusBeforeRetention(b);
            if (was == BackupStatus.FAILED || was == BackupStatus.INVALID || was == BackupStatus.SKIPPED) {
                problems.add(b);
            }
        }
        Duration allowed = schedule.longestGap(from).plus(runTimeout);
        List<String> findings = new ArrayList<>();
        if (newestVerified == null) {
            findings.add("no VERIFIED backup in the catalog: nothing proven restorable");
        } else {
            Duration age = Duration.between(newestVerified.startedAt(), now);
            if (age.compareTo(allowed) > 0) {
                findings.add("newest VERIFIED backup " + newestVerified.id() + " is " + Ages.human(age)
                        + " old; the schedule '" + schedule.expression() + "' allows " + Ages.human(allowed));
            }
        }
        for (BackupRecord b : sorted) {
            // Retention may already have removed it: the finding stays, the DBA must still hear of it.
            if (statusBeforeRetention(b) == BackupStatus.INVALID && !b.startedAt().isBefore(now.minus(RECENT))) {
                findings.add(invalidFinding(b));
            }
        }
        Map<BackupStatus, Long> counts = new EnumMap<>(BackupStatus.class);
        counts.putAll(retention);
        SectionData archive = binlogArchive.read(instance, from, now);
        findings.addAll(archive.findings());
        return new Report(instance, now, days, schedule, allowed, newestVerified, grid, points,
                problems, counts, lockActions.read(instance, from, now), restoreDrills.read(instance, from, now),
                replicaHealth.read(instance, from, now), archive, findings);
    }

    private List<Report.DayRow> grid(Instant now, int days, Instant from, List<BackupRecord> backups) {
        Cell[] cells = new Cell[days * 24];
        for (int i = 0; i < cells.length; i++) {
            Instant start = from.plus(Duration.ofHours(i));
            Instant end = start.plus(Duration.ofHours(1));
            if (end.isAfter(now)) {
                cells[i] = Cell.FUTURE; // the current hour is not late yet
            } else {
                cells[i] = schedule.anyDue(start, end) ? Cell.MISSING : Cell.NONE;
            }
        }
        for (BackupRecord b : backups) {
            long hour = Duration.between(from, b.startedAt()).toHours();
            if (b.startedAt().isBefore(from) || hour >= cells.length) {
                continue;
            }
            Cell c = Cell.of(b.status());
            Cell prev = cells[(int) hour];
            boolean placeholder = prev == Cell.MISSING || prev == Cell.NONE || prev == Cell.FUTURE;
            cells[(int) hour] = placeholder ? c : prev.best(c);
        }
        List<Report.DayRow> rows = new ArrayList<>();
        LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC);
        for (int d = 0; d < days; d++) {
            rows.add(new Report.DayRow(day.plusDays(d), List.of(cells).subList(d * 24, d * 24 + 24)));
        }
        return rows;
    }
}
