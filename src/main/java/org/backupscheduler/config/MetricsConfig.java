package org.backupscheduler.config;

/** {@code metrics:}: where the daemon serves /metrics and /health; loopback by default. */
public record MetricsConfig(String listen) {

    public MetricsConfig {
        listen = listen != null ? listen : "127.0.0.1:9104";
    }
}
