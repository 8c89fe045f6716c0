package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.config.ConfigTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The two fires Quartz releases on resume from a pause are one run, even when the first ends at
 * once (SKIPPED: a run from before the pause still holds the lease) — DaemonIT measured two
 * SKIPPED rows in the same millisecond burst. A fire two seconds later is a run of its own.
 */
class DaemonBurstTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theFiresOfOneBurstAreOneRun() throws Exception {
        Path yml = dir.resolve("backup.yml");
        ConfigTrust.write(yml, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                "  host: 127.0.0.1", "  port: 1", "  user: backup", ""));
        BackupConfig config = ConfigLoader.parse(yml);
        Path logFile = dir.resolve("daemon.log");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger daemonLog = context.getLogger(Daemon.class);
        FileAppender<ILoggingEvent> file = DaemonLogging.fileAppender(context, logFile);
        daemonLog.addAppender(file);
        TestClock clock = new TestClock();
        try (Catalog catalog = Catalog.open(config.catalogUrl(), null, null)) {
            // No engine: each run that goes ahead ends at once (logged as failed), as a SKIPPED one would.
            Daemon daemon = new Daemon(config, catalog, null, null, clock);
            daemon.runBackup(BackupType.FULL, "full", clock.now);
            clock.now = clock.now.plusMillis(6);
            daemon.runBackup(BackupType.FULL, "full", clock.now);
            clock.now = clock.now.plusSeconds(2);
            daemon.runBackup(BackupType.FULL, "full", clock.now);
        } finally {
            daemonLog.detachAppender(file);
            file.stop();
        }
        String log = Files.readString(logFile);
        assertEquals(2, log.lines().filter(l -> l.contains(") starts on node")).count(), log);
        assertEquals(1, log.lines().filter(l -> l.contains("joins the fire that went ahead 6 ms ago")).count(), log);
    }
}
