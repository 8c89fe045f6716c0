package org.backupscheduler.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.backupscheduler.UserError;
import org.backupscheduler.config.MetricsConfig;

/**
 * {@code /metrics} (Prometheus text) and {@code /health} (JSON; 503 when failing) on metrics.listen.
 *
 * <p>Requests are handled on a pool of their own, never on the server's dispatcher thread: a
 * client that sends half a request would otherwise hold that one thread, and every scrape after
 * it, for as long as it likes. Reading a request and writing a response are each bounded
 * ({@link #REQUEST_TIME}); a connection past its time is closed.
 */
public final class MetricsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a client has to send its request, and to take the response. */
    static final Duration REQUEST_TIME = Duration.ofSeconds(10);
    private static final int THREADS = 4;

    static {
        // The JDK's server reads its time limits from these properties, once, when its first
        // instance is made (sun.net.httpserver.ServerConfig; unset, there is no limit at all).
        // An administrator's own -D setting is kept.
        for (String limit : new String[] {"sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime"}) {
            if (System.getProperty(limit) == null) {
                System.setProperty(limit, Long.toString(REQUEST_TIME.toSeconds()));
            }
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers;

    private MetricsServer(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /** Serves on {@code listen}'s host and port (0: any free port, see {@link #port()}). */
    public static MetricsServer start(MetricsConfig listen, BackupMetrics metrics,
                                      Supplier<Map<String, Object>> health) {
        String host = listen.host();
        int port = listen.port();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UserError("cannot listen on " + listen.listen() + " for /metrics: " + e.getMessage(),
                    "choose a free port in metrics.listen", UserError.FAILED);
        }
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4", metrics.scrape()));
        server.createContext("/health", ex -> {
            Map<String, Object> h = health.get();
            send(ex, Health.ok(h) ? 200 : 503, "application/json", JSON.writeValueAsString(h));
        });
        ExecutorService handlers = Executors.newFixedThreadPool(THREADS, MetricsServer::handlerThread);
        server.setExecutor(handlers);
        server.start();
        return new MetricsServer(server, handlers);
    }

    private static Thread handlerThread(Runnable r) {
        Thread t = new Thread(r, "metrics-http");
        t.setDaemon(true);
        return t;
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
        handlers.shutdownNow();
    }
}
