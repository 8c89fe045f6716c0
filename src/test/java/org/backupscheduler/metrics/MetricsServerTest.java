package org.backupscheduler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What anyone who reaches the metrics port gets: answers while another client stalls, and a
 * /health that names no host, account or server error unless {@code metrics.details: true}.
 */
class MetricsServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void aClientThatSendsNothingOrHalfARequestBlocksNoOtherAndIsCutOff() throws Exception {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null);
             MetricsServer server = server(catalog, false);
             Socket silent = new Socket("127.0.0.1", server.port());
             Socket half = new Socket("127.0.0.1", server.port())) {
            half.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            half.getOutputStream().flush();

            for (String path : new String[] {"/health", "/metrics", "/health"}) {
                HttpResponse<String> r = get(server, path);
                assertTrue(r.statusCode() == 200 || r.statusCode() == 503, path + ": " + r.statusCode());
            }
            // The half-sent request is closed by the server once its time is up, and not answered.
            half.setSoTimeout((int) MetricsServer.REQUEST_TIME.multipliedBy(6).toMillis());
            assertEquals(-1, readOne(half.getInputStream()), "the half-sent request's connection is closed");
            assertTrue(silent.isConnected());
        }
    }

    @Test
    void healthNamesNoHostAccountOrServerErrorUnlessDetailsAreOn() throws Exception {
        Path config = dir.resolve("backup.yml");
        ConfigTrust.write(config, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"),
                "source:", "  host: 127.0.0.1", "  port: 1", "  user: backupuser", ""));
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> failed = TestSetup.newest(config);
        String reason = (String) failed.get("reason");
        assertTrue(reason.contains("127.0.0.1:1"), "precondition: the reason names the host: " + reason);

        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null)) {
            try (MetricsServer server = server(catalog, false)) {
                HttpResponse<String> r = get(server, "/health");
                assertEquals(503, r.statusCode(), r.body());
                Map<String, Object> health = JSON.readValue(r.body(), new TypeReference<>() { });
                assertEquals("failing", health.get("status"));
                assertEquals(failed.get("id"), health.get("last_run"));
                assertEquals("FAILED", health.get("last_run_status"));
                assertFalse(health.containsKey("last_run_reason"), r.body());
                assertFalse(r.body().contains("127.0.0.1") || r.body().contains("backupuser"), r.body());
            }
            try (MetricsServer server = server(catalog, true)) {
                HttpResponse<String> r = get(server, "/health");
                Map<String, Object> health = JSON.readValue(r.body(), new TypeReference<>() { });
                assertEquals(reason, health.get("last_run_reason"), r.body());
            }
        }
    }

    private static MetricsServer server(Catalog catalog, boolean details) {
        Clock clock = Clock.systemUTC();
        Health health = new Health(catalog.backups(), "db1", Duration.ofHours(2), clock, details);
        return MetricsServer.start(new org.backupscheduler.config.MetricsConfig("127.0.0.1:0"), new BackupMetrics(catalog.backups(), "db1", clock), health::check);
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One byte: -1 when the server closed the connection without answering, -2 when it kept it open. */
    private static int readOne(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return -2;
        }
    }
}
