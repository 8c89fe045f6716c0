package org.backupscheduler.config;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

import org.quartz.CronExpression;

/**
 * A schedule of the config: the expression as written and the time zone it is read in
 * ({@code schedule.time-zone}). The one value behind the daemon's triggers, {@code /health}'s
 * allowed age and the report's expected runs, so that the three agree on when a run is due.
 *
 * <p>Accepts {@code @hourly}, {@code @daily} ({@code @midnight}), {@code @weekly},
 * {@code @monthly}, {@code @yearly} ({@code @annually}), classic 5-field cron ({@code minute hour
 * day-of-month month day-of-week}, Sunday = 0 or 7), or Quartz's own 6/7 fields with seconds.
 * As in cron, when both day-of-month and day-of-week are restricted a day matching either fires;
 * Quartz allows only one of them per expression, so such a schedule is two Quartz expressions.
 *
 * <p>Immutable: the Quartz expressions are parsed once here and only read afterwards.
 */
public final class Schedule {
    private final String expression;
    private final ZoneId zone;
    private final List<String> quartz;
    private final List<CronExpression> crons;

    private Schedule(String expression, ZoneId zone, List<String> quartz, List<CronExpression> crons) {
        this.expression = expression;
        this.zone = zone;
        this.quartz = quartz;
        this.crons = crons;
    }

    /**
     * @param key the config key, for the error
     * @throws ConfigValueException when the expression is no schedule
     */
    public static Schedule parse(String key, String expression, ZoneId zone) {
        String s = expression == null ? "" : expression.strip();
        List<String> quartz = toQuartz(s);
        List<CronExpression> crons = new ArrayList<>();
        for (String q : quartz) {
            try {
                CronExpression c = new CronExpression(q);
                c.setTimeZone(TimeZone.getTimeZone(zone));
                crons.add(c);
            } catch (ParseException e) {
                throw new ConfigValueException(key, expression, "not a schedule (" + e.getMessage() + ")",
                        "use @hourly, @daily, @weekly, 5-field cron such as '15 * * * *', or Quartz cron with seconds");
            }
        }
        return new Schedule(s, zone, List.copyOf(quartz), List.copyOf(crons));
    }

    private static List<String> toQuartz(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "@hourly" -> List.of("0 0 * * * ?");
            case "@daily", "@midnight" -> List.of("0 0 0 * * ?");
            case "@weekly" -> List.of("0 0 0 ? * SUN");
            case "@monthly" -> List.of("0 0 0 1 * ?");
            case "@yearly", "@annually" -> List.of("0 0 0 1 1 ?");
            default -> {
                String[] f = s.split("\\s+");
                yield f.length == 5 ? fromFiveFields(f) : List.of(s);
            }
        };
    }

    /** Quartz wants exactly one of day-of-month and day-of-week to be '?'. */
    private static List<String> fromFiveFields(String[] f) {
        String prefix = "0 " + f[0] + " " + f[1] + " ";
        String dom = f[2];
        String dow = dayOfWeek(f[4]);
        if ("*".equals(dow)) {
            return List.of(prefix + dom + " " + f[3] + " ?");
        }
        if ("*".equals(dom)) {
            return List.of(prefix + "? " + f[3] + " " + dow);
        }
        // cron: "either matches"; one Quartz expression per day field.
        return List.of(prefix + dom + " " + f[3] + " ?", prefix + "? " + f[3] + " " + dow);
    }

    /** cron counts Sunday as 0 (or 7), Quartz as 1; a step ("*&#47;2") is a count, not a day. */
    static String dayOfWeek(String field) {
        if (!field.matches("[0-9,\\-/*]+")) {
            return field; // names such as MON-FRI mean the same in both
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

    /** The expression as written in the config. */
    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The Quartz cron expressions, one trigger each, all evaluated in {@link #zone()}. */
    public List<String> quartz() {
        return quartz;
    }

    /** The first fire strictly after {@code after}, or null when there is none. */
    public Instant next(Instant after) {
        Instant first = null;
        for (CronExpression c : crons) {
            Date d = c.getNextValidTimeAfter(Date.from(after));
            if (d != null && (first == null || d.toInstant().isBefore(first))) {
                first = d.toInstant();
            }
        }
        return first;
    }

    /** Whether some run is due in [from, to). */
    public boolean anyDue(Instant from, Instant to) {
        Instant next = next(from.minusMillis(1));
        return next != null && next.isBefore(to);
    }

    /**
     * The longest gap between two consecutive fires within eight days after {@code from}: how old
     * the newest backup may normally be (a weekday schedule allows the weekend). A schedule of
     * seconds stops counting after {@link #MAX_FIRES} fires.
     */
    public Duration longestGap(Instant from) {
        Instant end = from.plus(Duration.ofDays(8));
        Instant prev = next(from);
        Duration longest = Duration.ZERO;
        for (int fires = 0; prev != null && prev.isBefore(end) && fires < MAX_FIRES; fires++) {
            Instant next = next(prev);
            if (next == null) {
                break;
            }
            Duration gap = Duration.between(prev, next);
            longest = gap.compareTo(longest) > 0 ? gap : longest;
            prev = next;
        }
        return longest.isZero() ? Duration.ofDays(1) : longest;
    }

    private static final int MAX_FIRES = 20_000;

    /** Equal when written the same and read in the same zone. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && s.expression.equals(expression) && s.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return expression.hashCode() * 31 + zone.hashCode();
    }

    /** "0 2 * * * (Europe/Berlin)": the expression and the zone it is read in. */
    @Override
    public String toString() {
        return expression + " (" + zone.getId() + ")";
    }
}
