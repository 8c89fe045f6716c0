package org.backupscheduler.migrate;

import java.util.Map;

/**
 * Cron schedule of a crontab line in the form {@code schedule.full} accepts (5-field cron or
 * @hourly/@daily). Nicknames without an equivalent in our config become 5-field cron;
 * {@code @reboot} has none (a backup at boot is not a schedule) and is refused.
 */
final class ScheduleConversion {
    private static final Map<String, String> NICKNAMES = Map.of(
            "@hourly", "@hourly",
            "@daily", "@daily",
            "@midnight", "@daily",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private ScheduleConversion() {
    }

    /** The schedule for our config, or null when there is none ({@code @reboot}). */
    static String convert(String crontabSchedule) {
        if (crontabSchedule.startsWith("@")) {
            return NICKNAMES.get(crontabSchedule);
        }
        // crontab's "0 * * * *" is exactly our @hourly; keep the others as written (5 fields)
        if (crontabSchedule.equals("0 * * * *")) {
            return "@hourly";
        }
        if (crontabSchedule.equals("0 0 * * *")) {
            return "@daily";
        }
        return crontabSchedule;
    }
}
