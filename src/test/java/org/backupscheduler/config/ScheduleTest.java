package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static Schedule utc(String expression) {
        return Schedule.parse("schedule.full", expression, ZoneOffset.UTC);
    }

    @Test
    void shortcuts() {
        assertEquals(List.of("0 0 * * * ?"), utc("@hourly").quartz());
        assertEquals(List.of("0 0 0 * * ?"), utc("@daily").quartz());
        assertEquals(List.of("0 0 0 ? * SUN"), utc("@weekly").quartz());
        assertEquals(List.of("0 0 0 1 * ?"), utc("@monthly").quartz());
    }

    @Test
    void fiveFieldCronAsInACrontab() {
        assertEquals(List.of("0 15 * * * ?"), utc("15 * * * *").quartz());
        assertEquals(List.of("0 0 */2 * * ?"), utc("0 */2 * * *").quartz());
        // Sunday is 0 (or 7) in cron, 1 in Quartz; Monday-Friday 1-5 becomes 2-6; a step stays a step.
        assertEquals(List.of("0 30 3 ? * 1"), utc("30 3 * * 0").quartz());
        assertEquals(List.of("0 30 3 ? * 1"), utc("30 3 * * 7").quartz());
        assertEquals(List.of("0 0 1 ? * 2-6"), utc("0 1 * * 1-5").quartz());
        assertEquals(List.of("0 0 9 ? * */2"), utc("0 9 * * */2").quartz());
        assertEquals(List.of("0 0 1 1 * ?"), utc("0 1 1 * *").quartz());
        // both day fields restricted: cron fires on either, Quartz needs one expression each
        assertEquals(List.of("0 0 9 6 * ?", "0 0 9 ? * 4"), utc("0 9 6 * 3").quartz());
    }

    @Test
    void quartzSyntaxPassesThrough() {
        assertEquals(List.of("*/5 * * * * ?"), utc("*/5 * * * * ?").quartz());
    }

    @Test
    void nextFireIsReadInTheSchedulesZone() {
        Schedule berlin = Schedule.parse("schedule.full", "0 2 * * *", ZoneId.of("Europe/Berlin"));
        assertEquals(Instant.parse("2026-01-02T01:00:00Z"), berlin.next(Instant.parse("2026-01-01T12:00:00Z")));
        assertEquals(Instant.parse("2026-07-02T00:00:00Z"), berlin.next(Instant.parse("2026-07-01T12:00:00Z")));
        assertEquals("0 2 * * * (Europe/Berlin)", berlin.toString());
    }

    @Test
    void everyOtherWeekdayIsSundayTuesdayThursdaySaturday() {
        Schedule s = utc("0 9 * * */2");
        Instant t = Instant.parse("2026-01-04T00:00:00Z"); // a Sunday
        StringBuilder days = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            t = s.next(t);
            days.append(t.atZone(ZoneOffset.UTC).getDayOfWeek().name(), 0, 3).append(' ');
        }
        assertEquals("SUN TUE THU SAT ", days.toString());
    }

    @Test
    void dayOfMonthOrDayOfWeekTakesTheEarlier() {
        Schedule s = utc("0 9 6 * 3"); // the 6th, or a Wednesday
        assertEquals(Instant.parse("2026-01-06T09:00:00Z"), s.next(Instant.parse("2026-01-05T00:00:00Z")));
        assertEquals(Instant.parse("2026-01-07T09:00:00Z"), s.next(Instant.parse("2026-01-06T09:00:00Z")));
    }

    @Test
    void longestGapOfAWeekdayScheduleIsTheWeekend() {
        assertEquals(Duration.ofHours(1), utc("@hourly").longestGap(Instant.parse("2026-11-24T10:30:00Z")));
        assertEquals(Duration.ofDays(3), utc("0 1 * * 1-5").longestGap(Instant.parse("2026-11-24T10:30:00Z")));
        assertEquals(Duration.ofDays(7), utc("@weekly").longestGap(Instant.parse("2026-11-24T10:30:00Z")));
    }

    @Test
    void garbageNamesTheKeyAndTheValue() {
        ConfigValueException e = assertThrows(ConfigValueException.class, () -> utc("every hour"));
        ConfigException c = e.in("/etc/backup.yml");
        assertEquals(2, c.exitCode());
        assertEquals("bad value 'every hour' for schedule.full in /etc/backup.yml: not a schedule "
                + "(Illegal characters for this position: 'EVE')", c.getMessage());
    }
}
