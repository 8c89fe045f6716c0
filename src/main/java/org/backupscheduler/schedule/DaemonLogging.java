package org.backupscheduler.schedule;

import java.nio.file.Path;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
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

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setTarget("System.out");
        console.setEncoder(encoder(context));
        console.start();
        root.addAppender(console);

        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(context);
        fileAppender.setFile(file.toString());
        fileAppender.setAppend(true);
        fileAppender.setEncoder(encoder(context));
        fileAppender.start();
        root.addAppender(fileAppender);
    }

    private static PatternLayoutEncoder encoder(LoggerContext context) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern(PATTERN);
        e.start();
        return e;
    }
}
