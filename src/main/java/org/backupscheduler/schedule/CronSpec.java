package org.backupscheduler.schedule;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

import org.backupscheduler.UserError;
import org.quartz.CronExpression;

/**
 * The config's schedule syntax, turned into Quartz's: {@code @hourly}, {@code @daily},
 * {@code @weekly}, classic 5-field cron ({@code minute hour day-of-month month day-of-week},
 * Sunday = 0 or 7), or Quartz's own 6/7 fields with seconds.
 */
public final class CronSpec {
    private CronSpec() {
    }

    public static String toQuartz(String key, String spec) {
        String s = spec == null ? "" : spec.strip();
        String quartz = switch (s.toLowerCase(Locale.ROOT)) {
            case "@hourly" -> "0 0 * * * ?";
            case "@daily", "@midnight" -> "0 0 0 * * ?";
            case "@weekly" -> "0 0 0 ? * SUN";
            default -> {
                String[] f = s.split("\\s+");
                yield f.length == 5 ? fromFiveFields(f) : s;
            }
        };
        if (!CronExpression.isValidExpression(quartz)) {
            throw new UserError("bad value '" + spec + "' for " + key + ": not a schedule",
                    "use @hourly, @daily, 5-field cron such as '15 * * * *', or Quartz cron with seconds",
                    UserError.USAGE);
        }
        return quartz;
    }

    static String fromFiveFields(String[] f) {
        String dom = f[2];
        String dow = dayOfWeek(f[4]);
        // Quartz wants exactly one of day-of-month and day-of-week to be '?'.
        if ("*".equals(dow)) {
            dow = "?";
        } else if ("*".equals(dom)) {
            dom = "?";
        }
        return "0 " + f[0] + " " + f[1] + " " + dom + " " + f[3] + " " + dow;
    }

    /** cron counts Sunday as 0 (or 7), Quartz as 1. */
    static String dayOfWeek(String field) {
        if (!field.matches("[0-9,\\-/*]+")) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        StringBuilder number = new StringBuilder();
        boolean afterSlash = false;
        for (char c : (field + " ").toCharArray()) {
            if (Character.isDigit(c)) {
                number.append(c);
                continue;
            }
            if (number.length() > 0) {
                int n = Integer.parseInt(number.toString());
                out.append(afterSlash ? n : (n % 7) + 1);
                number.setLength(0);
            }
            afterSlash = c == '/';
            if (c != ' ') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The first fire time strictly after {@code after}. */
    public static Instant next(String quartz, Instant after) {
        try {
            CronExpression e = new CronExpression(quartz);
            e.setTimeZone(TimeZone.getDefault());
            Date d = e.getNextValidTimeAfter(Date.from(after));
            return d == null ? null : d.toInstant();
        } catch (ParseException ex) {
            throw new IllegalArgumentException(ex);
        }
    }

    /** The gap between two fires from {@code from}: how old the newest backup may normally be. */
    public static Duration interval(String quartz, Instant from) {
        Instant a = next(quartz, from);
        Instant b = a == null ? null : next(quartz, a);
        return a == null || b == null ? Duration.ofDays(1) : Duration.between(a, b);
    }
}
