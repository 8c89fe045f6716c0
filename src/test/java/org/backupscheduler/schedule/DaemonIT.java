package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.Coordinates;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as systemd runs it: a process of its own, a schedule, /metrics and /health, SIGTERM. */
class DaemonIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void schedulesRunWithoutOverlapServeMetricsAndStopCleanlyOnSigterm() throws Exception {
        try (SandboxServer primary = SandboxServer.start(SandboxOptions.primary("dmn"))) {
            TestSetup.createBackupUser(primary);
            Workload.load(primary, 2_000);
            int port = freePort();
            Path config = TestSetup.config(dir, primary, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    String.join("\n", "schedule:", "  full: '*/3 * * * * ?'", "verify:", "  deep: 'off'",
                            "metrics:", "  listen: 127.0.0.1:" + port));
            Process daemon = new ProcessBuilder("java", "-jar",
                    Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(), "--config", config.toString(),
                    "daemon").redirectErrorStream(true).redirectOutput(dir.resolve("daemon.out").toFile()).start();
            try {
                awaitVerified(config, 3, daemon);
                HttpResponse<String> metrics = get(port, "/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("backup_last_success_timestamp_seconds{instance=\"dmn\"}"),
                        metrics.body());
                assertTrue(metrics.body().contains("backup_runs_total{instance=\"dmn\",status=\"VERIFIED\"}"),
                        metrics.body());
                HttpResponse<String> health = get(port, "/health");
                assertEquals(200, health.statusCode(), health.body());
                assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
            } finally {
                daemon.destroy(); // SIGTERM
                assertTrue(daemon.waitFor(120, TimeUnit.SECONDS), "the daemon stops on SIGTERM");
            }
            List<Map<String, Object>> rows = list(config);
            assertTrue(rows.stream().noneMatch(b -> "RUNNING".equals(b.get("status"))), "no run left RUNNING: " + rows);
            assertNoOverlap(rows);
            String out = Files.readString(dir.resolve("daemon.out"));
            assertTrue(out.contains("stopped"), out);
            String log = Files.readString(dir.resolve("repo/dmn/daemon.log"));
            assertTrue(log.contains("scheduled full run: backup"), log);
        }
    }

    @Test
    void aScheduleMissedWhileTheDaemonWasDownGivesOneRunNotABacklog() throws Exception {
        try (SandboxServer primary = SandboxServer.start(SandboxOptions.primary("mis"))) {
            TestSetup.createBackupUser(primary);
            Workload.load(primary, 2_000);
            Path config = TestSetup.config(dir, primary, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    String.join("\n", "schedule:", "  full: '@hourly'", "verify:", "  deep: 'off'",
                            "metrics:", "  listen: 127.0.0.1:" + freePort()));
            // The last backup is three hours old: three hourly fires were missed while it was down.
            try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo/catalog"), null, null)) {
                Instant old = Instant.now().minus(Duration.ofHours(3));
                catalog.backups().insert(new BackupRecord("mis", "20000101-000000F", BackupType.FULL, null,
                        BackupStatus.VERIFIED, old, old.plusSeconds(60), 1L, 1, "mariabackup", "10.11", 0L, 1L,
                        Coordinates.NONE, "127.0.0.1", 1L, dir.resolve("repo/mis/20000101-000000F").toString(), null),
                        ProcessIdentity.current());
            }
            Process daemon = new ProcessBuilder("java", "-jar",
                    Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(), "--config", config.toString(),
                    "daemon").redirectErrorStream(true).redirectOutput(dir.resolve("daemon.out").toFile()).start();
            try {
                for (int i = 0; i < 300 && list(config).size() < 2 && daemon.isAlive(); i++) {
                    Thread.sleep(200);
                }
                Thread.sleep(5_000);
                List<Map<String, Object>> rows = list(config);
                assertEquals(2, rows.size(), "exactly one catch-up run: " + rows + "\n" + read(dir.resolve("daemon.out")));
                assertEquals("VERIFIED", rows.get(0).get("status"), rows.toString());
                assertTrue(read(dir.resolve("daemon.out")).contains("missed while the daemon was down: one run now"));
            } finally {
                daemon.destroy();
                assertTrue(daemon.waitFor(120, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void twoDaemonsOnOneMariaDbCatalogRunEachFireOnceAndTheSurvivorContinues() throws Exception {
        try (SandboxServer primary = SandboxServer.start(SandboxOptions.primary("dm2"));
             SandboxServer catalogDb = SandboxServer.start(SandboxOptions.primary("cat2"))) {
            TestSetup.createBackupUser(primary);
            Workload.load(primary, 2_000);
            catalogDb.execute("CREATE DATABASE backup_catalog",
                    "CREATE USER 'catalog'@'127.0.0.1' IDENTIFIED BY 'cat-pw'",
                    "GRANT ALL ON backup_catalog.* TO 'catalog'@'127.0.0.1'");
            Path pw = TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD);
            Path catalogPw = TestSetup.passwordFile(dir, "catalog.pw", "cat-pw");
            // Two hosts: each its own repository (no shared file lock), one catalog, one instance.
            Path configA = hostConfig("a", primary, pw, catalogDb, catalogPw);
            Path configB = hostConfig("b", primary, pw, catalogDb, catalogPw);
            Process a = daemon(configA, "a");
            Process b = daemon(configB, "b");
            try {
                awaitRows(configA, 6);
                List<Map<String, Object>> rows = list(configA);
                assertNoOverlap(rows);
                assertTrue(rows.stream().anyMatch(r -> "SKIPPED".equals(r.get("status"))
                        && ((String) r.get("reason")).contains("another run holds the lease of dm2")), rows.toString());

                a.destroyForcibly(); // SIGKILL, mid-run or not
                a.waitFor(30, TimeUnit.SECONDS);
                long ranBefore = ran(list(configA));
                for (int i = 0; i < 300 && ran(list(configA)) < ranBefore + 2; i++) {
                    Thread.sleep(200);
                }
                assertTrue(ran(list(configA)) >= ranBefore + 2, "the survivor goes on backing up: "
                        + read(dir.resolve("daemon-b.out")));
            } finally {
                a.destroyForcibly();
                b.destroy();
                assertTrue(b.waitFor(120, TimeUnit.SECONDS));
            }
            List<Map<String, Object>> rows = list(configA);
            assertNoOverlap(rows);
            // The run the SIGKILL interrupted (if any) was found by the survivor and failed, not left RUNNING.
            assertTrue(rows.stream().noneMatch(r -> "RUNNING".equals(r.get("status"))
                    && !((String) r.get("path")).contains("/host-b/")), rows.toString());
        }
    }

    private Path hostConfig(String host, SandboxServer primary, Path pw, SandboxServer catalogDb, Path catalogPw)
            throws IOException {
        Path hostDir = Files.createDirectories(dir.resolve("host-" + host));
        Path config = hostDir.resolve("backup.yml");
        Files.writeString(config, primary.sourceConfigYaml("dm2", hostDir.resolve("repo"), TestSetup.BACKUP_USER, pw)
                + String.join("\n", "catalog:",
                "  url: jdbc:mysql://127.0.0.1:" + catalogDb.port() + "/backup_catalog",
                "  user: catalog",
                "  password-file: " + catalogPw,
                "schedule:", "  full: '*/4 * * * * ?'", "verify:", "  deep: 'off'",
                "metrics:", "  listen: 127.0.0.1:" + freePort(), ""));
        return config;
    }

    private Process daemon(Path config, String name) throws IOException {
        return new ProcessBuilder("java", "-jar", Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(),
                "--config", config.toString(), "daemon").redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon-" + name + ".out").toFile()).start();
    }

    private void awaitRows(Path config, int count) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (list(config).size() >= count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("fewer than " + count + " runs: " + read(dir.resolve("daemon-a.out")));
    }

    private static long ran(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> List.of("VERIFIED", "EXPIRED").contains(r.get("status"))).count();
    }

    private static void assertNoOverlap(List<Map<String, Object>> rows) {
        List<Map<String, Object>> ran = rows.stream().filter(b -> !"SKIPPED".equals(b.get("status")))
                .filter(b -> b.get("finished_at") != null)
                .sorted(Comparator.comparing(b -> (String) b.get("started_at"))).toList();
        for (int i = 1; i < ran.size(); i++) {
            Instant prevEnd = Instant.parse((String) ran.get(i - 1).get("finished_at"));
            Instant start = Instant.parse((String) ran.get(i).get("started_at"));
            assertTrue(!start.isBefore(prevEnd), "runs overlap: " + ran.get(i - 1) + " and " + ran.get(i));
        }
    }

    private void awaitVerified(Path config, int count, Process daemon) throws Exception {
        for (int i = 0; i < 600; i++) {
            assertTrue(daemon.isAlive(), () -> "daemon died: " + read(dir.resolve("daemon.out")));
            if (Files.exists(dir.resolve("repo/catalog.mv.db"))
                    // Retention (hourly buckets) keeps one per hour: the others are EXPIRED after a run.
                    && list(config).stream().filter(b -> List.of("VERIFIED", "EXPIRED").contains(b.get("status")))
                    .count() >= count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("fewer than " + count + " verified backups: " + read(dir.resolve("daemon.out")));
    }

    private List<Map<String, Object>> list(Path config) throws IOException {
        return TestSetup.backups(config);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
