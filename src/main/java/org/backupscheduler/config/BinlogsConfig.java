package org.backupscheduler.config;

import java.time.Duration;

/**
 * {@code binlogs:}: the binlog archive (docs/binlogs.md). Off unless asked for. In {@code stream}
 * mode one long-lived {@code mariadb-binlog} follows the server and the open file reaches the
 * store at least every {@code max-delay}; in {@code poll} mode the server's log is flushed every
 * {@code interval} and the closed files are copied.
 */
public record BinlogsConfig(Archive archive, Mode mode, Duration maxDelay, Duration interval) {

    public BinlogsConfig {
        archive = archive != null ? archive : Archive.OFF;
        mode = mode != null ? mode : Mode.STREAM;
        maxDelay = maxDelay != null ? maxDelay : Duration.ofSeconds(30);
        interval = interval != null ? interval : Duration.ofMinutes(1);
    }

    public boolean on() {
        return archive == Archive.ON;
    }

    public enum Archive implements ConfigEnum {
        OFF("off"), ON("on");

        private final String key;

        Archive(String key) {
            this.key = key;
        }

        @Override
        public String key() {
            return key;
        }
    }

    public enum Mode implements ConfigEnum {
        /** One {@code mariadb-binlog --stop-never} follows the server; the open file is flushed often. */
        STREAM("stream"),
        /** {@code FLUSH BINARY LOGS} every interval; only closed files are copied. */
        POLL("poll");

        private final String key;

        Mode(String key) {
            this.key = key;
        }

        @Override
        public String key() {
            return key;
        }
    }
}
