package org.backupscheduler.config;

/**
 * {@code retention:}: how many hourly, daily and weekly backups to keep, and the fewest VERIFIED
 * backups kept whatever those say ({@code min-verified}, as Barman's minimum_redundancy): with
 * one hourly bucket, a second backup in the hour would otherwise expire the first at once and
 * leave a restore that finds the newest damaged with nothing to fall back on.
 */
public record RetentionConfig(Integer hourly, Integer daily, Integer weekly, Integer minVerified) {

    public RetentionConfig {
        hourly = hourly != null ? hourly : 24;
        daily = daily != null ? daily : 7;
        weekly = weekly != null ? weekly : 4;
        minVerified = minVerified != null ? minVerified : 2;
    }
}
