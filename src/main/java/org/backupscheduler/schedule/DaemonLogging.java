package org.backupscheduler.schedule;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import org.backupscheduler.UserError;
import org.slf4j.LoggerFactory;

/**
 * The daemon logs to stdout (journald, docker logs) and to a file in the repository that
 * survives the service manager's log rotation; the CLI's commands keep stdout for their output.
 */
public final class DaemonLogging {
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss} %-5level [%X{instance:-} %X{backup:--}] %msg%n";

    private DaemonLogging() {
    }

    public static void toStdoutAndFile(Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        // A thread that dies of an exception nobody caught (a Quartz worker, the HTTP server's)
        // leaves its stack trace in the daemon's log, not only on a stderr nobody reads.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> LoggerFactory.getLogger(DaemonLogging.class)
                .error("thread {} died: {}", thread.getName(), e.toString(), e));

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setTarget("System.out");
        console.setEncoder(encoder(context));
        console.start();
        root.addAppender(console);

        root.addAppender(fileAppender(context, file));
    }

    /** The daemon's log file, appended to; each event in {@link #PATTERN}, a throwable's stack trace under it. */
    static FileAppender<ILoggingEvent> fileAppender(LoggerContext context, Path file) {
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(context);
        fileAppender.setFile(file.toString());
        fileAppender.setAppend(true);
        fileAppender.setEncoder(encoder(context));
        fileAppender.start();
        return fileAppender;
    }

    /**
     * A run, drill or pass that failed. A failure the user can act on (a UserError, the disk's or
     * a server's error) is one line with its message; anything else is a bug and is logged with
     * its class and stack trace: an NPE's message alone is "null".
     */
    public static void failure(org.slf4j.Logger log, String what, Exception e) {
        if (expected(e)) {
            log.error("{} failed: {}", what, e.getMessage() != null ? e.getMessage() : e.toString());
        } else {
            log.error("{} failed unexpectedly: {}", what, e.toString(), e);
        }
    }

    /** Whether {@code e} is a failure of the world (config, disk, server), not of this program. */
    static boolean expected(Exception e) {
        return e instanceof UserError || e instanceof IOException || e instanceof SQLException;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern(PATTERN);
        e.start();
        return e;
    }
}
