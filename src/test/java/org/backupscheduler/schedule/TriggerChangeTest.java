package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Date;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

class TriggerChangeTest {
    private static Trigger cron(String expression, String zone, String job, long startMillis) {
        return TriggerBuilder.newTrigger().withIdentity("full", "db1").forJob(job, "db1")
                .startAt(new Date(startMillis))
                .withSchedule(CronScheduleBuilder.cronSchedule(expression).inTimeZone(TimeZone.getTimeZone(zone))
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
    }

    private static Trigger every(int seconds) {
        return TriggerBuilder.newTrigger().withIdentity("locks", "db1").forJob("locks", "db1")
                .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever(seconds)
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    @Test
    void theSameScheduleBuiltAtAnotherStartIsKept() {
        // A node starting later builds the trigger with a later start time: still the same fires.
        assertTrue(TriggerChange.sameFires(cron("0 0 * * * ?", "UTC", "full", 1_000), cron("0 0 * * * ?", "UTC", "full", 9_000)));
        assertTrue(TriggerChange.sameFires(every(5), every(5)));
    }

    @Test
    void anotherExpressionZoneJobOrIntervalIsAChange() {
        Trigger stored = cron("0 0 * * * ?", "UTC", "full", 1_000);
        assertFalse(TriggerChange.sameFires(stored, cron("0 30 * * * ?", "UTC", "full", 1_000)));
        assertFalse(TriggerChange.sameFires(stored, cron("0 0 * * * ?", "Asia/Seoul", "full", 1_000)));
        assertFalse(TriggerChange.sameFires(stored, cron("0 0 * * * ?", "UTC", "incremental", 1_000)));
        assertFalse(TriggerChange.sameFires(every(5), every(10)));
        assertFalse(TriggerChange.sameFires(stored, every(5)));
    }
}
