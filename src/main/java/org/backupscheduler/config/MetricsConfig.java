package org.backupscheduler.config;

/**
 * {@code metrics:}: where the daemon serves /metrics and /health (loopback by default), and
 * whether /health may say why a run failed ({@code details}; off by default, because a
 * server's error text names its hosts and accounts).
 */
public record MetricsConfig(String listen, Boolean details) {

    public MetricsConfig {
        listen = listen != null ? listen : "127.0.0.1:9104";
        details = details != null && details;
    }

    public MetricsConfig(String listen) {
        this(listen, null);
    }
}
