package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;

import org.backupscheduler.UserError;
import org.junit.jupiter.api.Test;

class CronSpecTest {
    @Test
    void shortcuts() {
        assertEquals("0 0 * * * ?", CronSpec.toQuartz("schedule.full", "@hourly"));
        assertEquals("0 0 0 * * ?", CronSpec.toQuartz("schedule.full", "@daily"));
    }

    @Test
    void fiveFieldCronAsInACrontab() {
        assertEquals("0 15 * * * ?", CronSpec.toQuartz("k", "15 * * * *"));
        assertEquals("0 0 */2 * * ?", CronSpec.toQuartz("k", "0 */2 * * *"));
        // Sunday is 0 in cron, 1 in Quartz; Monday-Friday 1-5 becomes 2-6.
        assertEquals("0 30 3 ? * 1", CronSpec.toQuartz("k", "30 3 * * 0"));
        assertEquals("0 30 3 ? * 1", CronSpec.toQuartz("k", "30 3 * * 7"));
        assertEquals("0 0 1 ? * 2-6", CronSpec.toQuartz("k", "0 1 * * 1-5"));
        assertEquals("0 0 1 1 * ?", CronSpec.toQuartz("k", "0 1 1 * *"));
    }

    @Test
    void quartzSyntaxPassesThrough() {
        assertEquals("*/5 * * * * ?", CronSpec.toQuartz("k", "*/5 * * * * ?"));
    }

    @Test
    void garbageIsAUsageErrorNamingTheKey() {
        UserError e = assertThrows(UserError.class, () -> CronSpec.toQuartz("schedule.full", "every hour"));
        assertEquals(2, e.exitCode());
        assertEquals("bad value 'every hour' for schedule.full: not a schedule", e.getMessage());
    }

    @Test
    void intervalOfHourly() {
        assertEquals(Duration.ofHours(1), CronSpec.interval("0 0 * * * ?", Instant.parse("2026-11-24T10:30:00Z")));
    }
}
