package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.config.Schedule;
import org.backupscheduler.engine.Coordinates;
import org.junit.jupiter.api.Test;

/**
 * The report expects a run in the hours the daemon fires one: the schedule read in its own zone,
 * with cron's day-of-week as cron means it. The rows are the ones such a daemon left (times
 * worked out by hand), so a grid with a '.' where a backup ran is a false MISSING hour.
 */
class ScheduledHoursTest {
    /** An hour with nothing due and nothing run. */
    private static final String NONE = " ";
    /** Hours 10 to 23 of the report's day: not reached at 10:30. */
    private static final String LATER = "_".repeat(14);

    /** 02:00 in Berlin is 01:00 UTC in winter: the run at 01:05 UTC is on time, hour 2 is not due. */
    @Test
    void dailyInBerlinIsDueAtOneUtcInWinter() {
        Report r = report("0 2 * * *", "Europe/Berlin", "2026-01-03T10:30:00Z",
                "2026-01-01T01:05:00Z", "2026-01-02T01:05:00Z", "2026-01-03T01:05:00Z");
        assertEquals(List.of(" V" + NONE.repeat(22), " V" + NONE.repeat(22), " V" + NONE.repeat(8) + LATER), symbols(r));
        assertEquals(List.of(), r.findings());
    }

    /** The same schedule in summer (CEST, UTC+2): due at 00:00 UTC. */
    @Test
    void dailyInBerlinIsDueAtMidnightUtcInSummer() {
        Report r = report("0 2 * * *", "Europe/Berlin", "2026-07-02T10:30:00Z",
                "2026-07-01T00:05:00Z", "2026-07-02T00:05:00Z");
        assertEquals(List.of("V" + NONE.repeat(23), "V" + NONE.repeat(9) + LATER), symbols(r).subList(1, 3));
    }

    /** cron's day-of-week step: Sunday, Tuesday, Thursday, Saturday (2026-01-06 is a Tuesday). */
    @Test
    void everyOtherWeekdayAsCronCountsIt() {
        Report r = report("0 9 * * */2", "UTC", "2026-01-08T10:30:00Z",
                "2026-01-06T09:05:00Z", "2026-01-08T09:05:00Z");
        assertEquals(List.of(NONE.repeat(9) + "V" + NONE.repeat(14), NONE.repeat(24), NONE.repeat(9) + "V" + LATER),
                symbols(r));
    }

    /** Day 6 of the month or any Wednesday, as in cron: the missed Wednesday run shows. */
    @Test
    void dayOfMonthOrDayOfWeek() {
        Report r = report("0 9 6 * 3", "UTC", "2026-01-08T10:30:00Z", "2026-01-06T09:05:00Z");
        assertEquals(List.of(NONE.repeat(9) + "V" + NONE.repeat(14), NONE.repeat(9) + "." + NONE.repeat(14),
                NONE.repeat(10) + LATER), symbols(r));
    }

    /** @weekly in New York: Sunday 00:00 there is Sunday 05:00 UTC (2026-01-04 is a Sunday). */
    @Test
    void weeklyInNewYork() {
        Report r = report("@weekly", "America/New_York", "2026-01-05T10:30:00Z", "2026-01-04T05:02:00Z");
        assertEquals(List.of(NONE.repeat(24), NONE.repeat(5) + "V" + NONE.repeat(18), NONE.repeat(10) + LATER),
                symbols(r));
        assertEquals(List.of(), r.findings());
        assertEquals("@weekly (America/New_York)", r.schedule().toString());
    }

    private static List<String> symbols(Report r) {
        return r.grid().stream().map(Report.DayRow::symbols).toList();
    }

    private static Report report(String schedule, String zone, String now, String... verifiedStarts) {
        List<BackupRecord> rows = new ArrayList<>();
        for (String start : verifiedStarts) {
            rows.add(verified(Instant.parse(start)));
        }
        return new ReportBuilder("db1", Schedule.parse("schedule.full", schedule, ZoneId.of(zone)),
                Duration.ofMinutes(50)).build(Instant.parse(now), 3, rows, null, Map.of());
    }

    private static BackupRecord verified(Instant start) {
        String id = "b-" + start;
        return new BackupRecord("db1", id, BackupType.FULL, null, BackupStatus.VERIFIED, start, start.plusSeconds(60),
                new BackupRecord.Contents(1000L, 10), new BackupRecord.Engine("mariabackup", "10.11"),
                new BackupRecord.Lsns(1L, 2L), new Coordinates(null, null, null),
                new BackupRecord.Source("localhost:3306", 1L), "/repo/db1/" + id, null);
    }
}
