package org.backupscheduler.cli;

import java.time.Duration;
import java.time.Instant;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.backupscheduler.Bytes;
import org.backupscheduler.backup.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress for long work: a bar (bytes, rate, time left) on a terminal; plain log lines every
 * ten seconds when output goes to cron or CI.
 */
final class Progress {
    private Progress() {
    }

    static ProgressListener forTerminal() {
        return System.console() != null ? new Bar() : new LogLines();
    }

    private static final class Bar implements ProgressListener {
        private ProgressBar bar;

        @Override
        public void start(String task, long expectedBytes) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(expectedBytes, 0))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1 << 20).showSpeed()
                    .setUpdateIntervalMillis(500).build();
        }

        @Override
        public void update(long doneBytes) {
            if (bar != null) {
                if (bar.getMax() > 0 && doneBytes > bar.getMax()) {
                    bar.maxHint(doneBytes);
                }
                bar.stepTo(doneBytes);
            }
        }

        @Override
        public void finish() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

    private static final class LogLines implements ProgressListener {
        private static final Logger log = LoggerFactory.getLogger("progress");
        private static final Duration EVERY = Duration.ofSeconds(10);
        private String task;
        private long expected;
        private Instant started;
        private Instant lastLine;

        @Override
        public void start(String task, long expectedBytes) {
            this.task = task;
            this.expected = expectedBytes;
            this.started = Instant.now();
            this.lastLine = started;
        }

        @Override
        public void update(long doneBytes) {
            Instant now = Instant.now();
            if (Duration.between(lastLine, now).compareTo(EVERY) < 0) {
                return;
            }
            lastLine = now;
            double seconds = Math.max(1, Duration.between(started, now).toSeconds());
            String of = expected > 0 ? " of ~" + Bytes.human(expected) : "";
            log.info("{}: {}{} copied, {}/s", task, Bytes.human(doneBytes), of, Bytes.human((long) (doneBytes / seconds)));
        }

        @Override
        public void finish() {
        }
    }
}
