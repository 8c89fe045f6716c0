package org.backupscheduler.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code schedule:}: when full and incremental backups run, read in one time zone (default: the
 * host's), and the run timeout. The expressions are parsed here, once, as the config is read.
 */
public record ScheduleConfig(Schedule full, Schedule incremental, Duration runTimeout, ZoneId timeZone) {

    public ScheduleConfig {
        timeZone = timeZone != null ? timeZone : ZoneId.systemDefault();
        full = full != null ? full : Schedule.parse("schedule.full", "@hourly", timeZone);
        runTimeout = runTimeout != null ? runTimeout : Duration.ofMinutes(50);
    }

    /** The YAML's shape: strings, parsed in the zone of {@code time-zone}. */
    @JsonCreator
    static ScheduleConfig read(@JsonProperty("full") String full, @JsonProperty("incremental") String incremental,
                               @JsonProperty("run-timeout") Duration runTimeout,
                               @JsonProperty("time-zone") String timeZone) {
        ZoneId zone = zone(timeZone);
        return new ScheduleConfig(full == null ? null : Schedule.parse("schedule.full", full, zone),
                incremental == null ? null : Schedule.parse("schedule.incremental", incremental, zone),
                runTimeout, zone);
    }

    /** A region id such as Europe/Berlin, or UTC; null is the host's zone. */
    static ZoneId zone(String id) {
        if (id == null) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(id.strip());
        } catch (DateTimeException e) {
            throw new ConfigValueException("schedule.time-zone", id, "not a time zone",
                    "use a region such as Europe/Berlin or America/New_York, or UTC (the names in /usr/share/zoneinfo)");
        }
    }
}
