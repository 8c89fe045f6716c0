package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

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
 * A bug inside a scheduled run reaches the daemon's log with its class and stack trace: an
 * exception's message alone ("failed: null" for an NPE) does not say where to look.
 */
class DaemonFailureTest {
    @TempDir
    Path dir;

    @Test
    void anUnexpectedExceptionIsLoggedWithItsStackTrace() throws Exception {
        Path yml = dir.resolve("backup.yml");
        ConfigTrust.write(yml, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                "  host: 127.0.0.1", "  port: 1", "  user: backup", ""));
        BackupConfig config = ConfigLoader.parse(yml);
        Path logFile = dir.resolve("daemon.log");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger daemonLog = context.getLogger(Daemon.class);
        FileAppender<ILoggingEvent> file = DaemonLogging.fileAppender(context, logFile);
        daemonLog.addAppender(file);
        try (Catalog catalog = Catalog.open(config.catalogUrl(), null, null)) {
            // No engine and no source: the run meets a null where it never should — a bug, as the NPE of the field.
            new Daemon(config, catalog, null, null, Clock.systemUTC())
                    .runBackup(BackupType.FULL, "full", Instant.parse("2026-01-01T00:00:00Z"));
        } finally {
            daemonLog.detachAppender(file);
            file.stop();
        }
        String log = Files.readString(logFile);
        assertTrue(log.contains("scheduled full run (full at 2026-01-01T00:00:00Z) failed unexpectedly: "
                + "java.lang.NullPointerException"), log);
        assertTrue(log.lines().anyMatch(l -> l.startsWith("\tat org.backupscheduler.")), log);
    }
}
