package org.backupscheduler.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.backupscheduler.UserError;

/** {@code /metrics} (Prometheus text) and {@code /health} (JSON; 503 when failing) on metrics.listen. */
public final class MetricsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    public static MetricsServer start(String listen, BackupMetrics metrics, Supplier<Map<String, Object>> health) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new UserError("bad value '" + listen + "' for metrics.listen: expected host:port",
                    "such as 127.0.0.1:9104", UserError.USAGE);
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserError("bad value '" + listen + "' for metrics.listen: the port is not a number",
                    "such as 127.0.0.1:9104", UserError.USAGE);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UserError("cannot listen on " + listen + " for /metrics: " + e.getMessage(),
                    "choose a free port in metrics.listen", UserError.FAILED);
        }
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4", metrics.scrape()));
        server.createContext("/health", ex -> {
            Map<String, Object> h = health.get();
            send(ex, Health.ok(h) ? 200 : 503, "application/json", JSON.writeValueAsString(h));
        });
        server.start();
        return new MetricsServer(server);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
