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

    /** The host part of {@code listen} ("127.0.0.1" of "127.0.0.1:9104"). */
    public String host() {
        return listen.substring(0, colon());
    }

    /** The port of {@code listen}: 0 (any free port) to 65535. */
    public int port() {
        String digits = listen.substring(colon() + 1);
        int port;
        try {
            port = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ConfigValueException("metrics.listen", listen, "the port is not a number", HINT);
        }
        if (port < 0 || port > 65535) {
            throw new ConfigValueException("metrics.listen", listen, "the port is not between 0 and 65535", HINT);
        }
        return port;
    }

    private int colon() {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigValueException("metrics.listen", listen, "expected host:port", HINT);
        }
        return colon;
    }

    private static final String HINT = "such as 127.0.0.1:9104";
}
