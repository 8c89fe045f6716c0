package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.config.ConfigTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Quartz trigger reads the schedule in schedule.time-zone: "0 2 * * *" in Berlin
 * fires at 02:00 Berlin time, whatever the host's zone (the report expects it there too).
 */
class DaemonZoneTest {
    @TempDir
    Path dir;

    @Test
    void theTriggerFiresInTheConfiguredZone() throws Exception {
        Path yml = dir.resolve("backup.yml");
        ConfigTrust.write(yml, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                "  host: 127.0.0.1", "  port: 1", "  user: backup", "schedule:", "  full: '0 2 * * *'",
                "  time-zone: Europe/Berlin", "verify:", "  deep: 'off'", "metrics:", "  listen: 127.0.0.1:0", ""));
        BackupConfig config = ConfigLoader.parse(yml);
        Path logFile = dir.resolve("daemon.log");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger daemonLog = context.getLogger(Daemon.class);
        FileAppender<ILoggingEvent> file = DaemonLogging.fileAppender(context, logFile);
        daemonLog.addAppender(file);
        Instant now = Instant.now();
        try (Catalog catalog = Catalog.open(config.catalogUrl(), null, null)) {
            // A backup just now: nothing was missed, so no catch-up run starts.
            catalog.backups().insert(BackupRecord.skipped("db1", "b1", BackupType.FULL, now,
                    new BackupRecord.Engine("t", "v"), new BackupRecord.Source("h", null), "/p", "test row"),
                    ProcessIdentity.current());
            try (Daemon daemon = new Daemon(config, catalog, null, null, Clock.systemUTC())) {
                daemon.start();
            }
        } finally {
            daemonLog.detachAppender(file);
            file.stop();
        }
        ZonedDateTime berlin = now.atZone(ZoneId.of("Europe/Berlin"));
        ZonedDateTime two = berlin.with(LocalTime.of(2, 0));
        Instant expected = (two.isAfter(berlin) ? two : two.plusDays(1).with(LocalTime.of(2, 0))).toInstant();
        String log = Files.readString(logFile);
        assertTrue(log.contains("full: next fire at " + expected), log);
        assertTrue(log.contains("full backups: 0 2 * * * (Europe/Berlin)"), log);
    }
}
