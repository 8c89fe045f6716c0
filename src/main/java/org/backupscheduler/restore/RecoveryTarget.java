package org.backupscheduler.restore;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The point a side restore rolls forward to: a time (the last event before it) or a GTID
 * (inclusive), or neither (the backup as it is). The same target whatever source the events
 * come from: the primary's binlogs today, the repository's archive later.
 */
record RecoveryTarget(LocalDateTime time, String gtid) {
    static final RecoveryTarget NONE = new RecoveryTarget(null, null);
    private static final DateTimeFormatter STOP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    boolean isNone() {
        return time == null && gtid == null;
    }

    /**
     * The restores table's until_time (32 characters): the time as written, or the GTID list
     * (cut when longer; the row's reason names it whole).
     */
    String catalogText() {
        if (time != null) {
            return STOP.format(time);
        }
        if (gtid == null) {
            return null;
        }
        return gtid.length() <= 32 ? gtid : gtid.substring(0, 29) + "...";
    }

    /** The plan's and the messages' words. */
    String describe() {
        return time != null ? STOP.format(time) + " (" + ZoneId.systemDefault() + ")"
                : gtid != null ? "GTID " + gtid : "the end of the backup";
    }

    /**
     * The {@code mariadb-binlog} option that ends the events there: {@code --stop-datetime}
     * prints only events before the time (this host's time zone, as the tool reads it);
     * {@code --stop-position} with a GTID list includes that transaction.
     */
    List<String> stopOptions() {
        if (time != null) {
            return List.of("--stop-datetime=" + STOP.format(time));
        }
        return gtid != null ? List.of("--stop-position=" + gtid) : List.of();
    }
}
