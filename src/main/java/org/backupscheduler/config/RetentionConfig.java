package org.backupscheduler.config;

/** {@code retention:}: how many hourly, daily and weekly backups to keep. */
public record RetentionConfig(Integer hourly, Integer daily, Integer weekly) {

    public RetentionConfig {
        hourly = hourly != null ? hourly : 24;
        daily = daily != null ? daily : 7;
        weekly = weekly != null ? weekly : 4;
    }
}
