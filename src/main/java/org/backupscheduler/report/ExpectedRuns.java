package org.backupscheduler.report;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

import org.backupscheduler.UserError;
import org.quartz.CronExpression;

/**
 * When the schedule says a full backup should have started. Accepts {@code @hourly}, {@code @daily}
 * and the classic 5-field cron (minute hour day-of-month month day-of-week), evaluated in UTC like the
 * rest of the report; Quartz does the calendar arithmetic.
 */
public final class ExpectedRuns {
    private final String schedule;
    private final CronExpression cron;

    private ExpectedRuns(String schedule, CronExpression cron) {
        this.schedule = schedule;
        this.cron = cron;
    }

    public static ExpectedRuns of(String schedule) {
        String s = schedule == null ? "@hourly" : schedule.trim();
        String quartz = switch (s) {
            case "@hourly" -> "0 0 * * * ?";
            case "@daily", "@midnight" -> "0 0 0 * * ?";
            default -> toQuartz(s);
        };
        try {
            CronExpression c = new CronExpression(quartz);
            c.setTimeZone(TimeZone.getTimeZone("UTC"));
            return new ExpectedRuns(s, c);
        } catch (ParseException e) {
            throw new UserError("schedule.full '" + s + "' is not a cron expression the report understands ("
                    + e.getMessage() + ")", "use @hourly, @daily or 5 fields: minute hour day month weekday", 2);
        }
    }

    private static String toQuartz(String fiveFields) {
        String[] f = fiveFields.split("\\s+");
        if (f.length != 5) {
            return fiveFields; // let Quartz produce the error message
        }
        // Quartz wants exactly one of day-of-month / day-of-week to be '?'; cron weekdays 0-6 are Sun-Sat,
        // Quartz's 1-7, so only '*' is translated for the weekday field.
        String dom = f[2];
        String dow = f[4];
        if ("*".equals(dow)) {
            dow = "?";
        } else if ("*".equals(dom)) {
            dom = "?";
            dow = shiftWeekdays(dow);
        } else {
            dow = "?";
        }
        return "0 " + f[0] + " " + f[1] + " " + dom + " " + f[3] + " " + dow;
    }

    private static String shiftWeekdays(String dow) {
        StringBuilder out = new StringBuilder();
        for (char ch : dow.toCharArray()) {
            out.append(Character.isDigit(ch) ? (char) ('1' + ((ch - '0') % 7)) : ch);
        }
        return out.toString();
    }

    public String schedule() {
        return schedule;
    }

    /** Whether some run is due in [from, to). */
    public boolean anyDue(Instant from, Instant to) {
        Date next = cron.getNextValidTimeAfter(Date.from(from.minusMillis(1)));
        return next != null && next.toInstant().isBefore(to);
    }

    /**
     * The longest gap between two consecutive scheduled runs within a week after {@code from}: the
     * age the newest verified backup may reach before the schedule was missed.
     */
    public Duration longestGap(Instant from) {
        Instant end = from.plus(Duration.ofDays(8));
        Date prev = cron.getNextValidTimeAfter(Date.from(from));
        Duration longest = Duration.ZERO;
        while (prev != null && prev.toInstant().isBefore(end)) {
            Date next = cron.getNextValidTimeAfter(prev);
            if (next == null) {
                break;
            }
            Duration gap = Duration.between(prev.toInstant(), next.toInstant());
            longest = gap.compareTo(longest) > 0 ? gap : longest;
            prev = next;
        }
        return longest.isZero() ? Duration.ofDays(1) : longest;
    }
}
