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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLSyntaxErrorException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.sandbox.LongMyisamUpdate;
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
            Process daemon = daemon(config);
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
            assertTrue(log.contains("scheduled full run (full at "), log);
        }
    }

    @Test
    void aRunHeldBehindALockMakesTheNextFireSkippedNamingTheHolder() throws Exception {
        try (SandboxServer primary = SandboxServer.start(SandboxOptions.primary("slw"))) {
            TestSetup.createBackupUser(primary);
            Workload.load(primary, 20_000);
            int port = freePort();
            // print only, and a threshold past the test: the run waits behind the UPDATE as the
            // field report's did, and only the lease stands between it and the next fires.
            Path config = TestSetup.config(dir, primary, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    String.join("\n", "schedule:", "  full: '*/3 * * * * ?'", "verify:", "  deep: 'off'",
                            "locks:", "  wait-threshold: 10m", "  action: print",
                            "metrics:", "  listen: 127.0.0.1:" + port));
            Process daemon = daemon(config);
            Instant testStart = Instant.now();
            try {
                try (LongMyisamUpdate maintenance = LongMyisamUpdate.start(primary)) {
                    Map<String, Object> skipped = awaitRow(config, daemon, r -> "SKIPPED".equals(r.get("status")));
                    assertTrue(((String) skipped.get("reason")).contains("another run holds the lease of slw"),
                            skipped.toString());
                    assertTrue(((String) skipped.get("reason")).contains("pid " + daemon.pid()),
                            "the reason names the holder: " + skipped);
                    assertTrue(list(config).stream().anyMatch(r -> "RUNNING".equals(r.get("status"))),
                            "the held run is still going: " + list(config));
                } // the UPDATE is killed: the held run goes on and completes
                awaitRow(config, daemon, r -> "VERIFIED".equals(r.get("status")));

                Map<String, Double> metrics = prometheus(get(port, "/metrics").body());
                assertTrue(metrics.getOrDefault("backup_runs_total{instance=\"slw\",status=\"SKIPPED\"}", 0.0) >= 1,
                        metrics.toString());
                assertTrue(metrics.getOrDefault("backup_runs_total{instance=\"slw\",status=\"VERIFIED\"}", 0.0) >= 1,
                        metrics.toString());
                double lastSuccess = metrics.get("backup_last_success_timestamp_seconds{instance=\"slw\"}");
                assertTrue(lastSuccess >= testStart.getEpochSecond() && lastSuccess <= Instant.now().getEpochSecond(),
                        "last success is the held run's finish: " + lastSuccess);
            } finally {
                daemon.destroy();
                assertTrue(daemon.waitFor(120, TimeUnit.SECONDS));
            }
            assertNoOverlap(list(config));
        }
    }

    @Test
    void aDaemonPausedPastSeveralFiresRunsOnceOnResumeNotABacklog() throws Exception {
        try (SandboxServer primary = SandboxServer.start(SandboxOptions.primary("pau"))) {
            TestSetup.createBackupUser(primary);
            Workload.load(primary, 2_000);
            Path config = TestSetup.config(dir, primary, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    String.join("\n", "schedule:", "  full: '*/2 * * * * ?'", "verify:", "  after-backup: []",
                            "  deep: 'off'", "metrics:", "  listen: 127.0.0.1:" + freePort()));
            Process daemon = daemon(config);
            try {
                awaitRow(config, daemon, r -> "COMPLETED".equals(r.get("status")) || "EXPIRED".equals(r.get("status")));
                for (int i = 0; i < 100 && list(config).stream().anyMatch(r -> "RUNNING".equals(r.get("status"))); i++) {
                    Thread.sleep(100);
                }
                // A machine that froze (SIGSTOP, a VM paused) past six fires of a 2 s schedule.
                signal(daemon, "STOP");
                Thread.sleep(12_000);
                Instant resumed = Instant.now();
                signal(daemon, "CONT");
                Thread.sleep(6_000);

                List<Instant> starts = list(config).stream().map(r -> Instant.parse((String) r.get("started_at")))
                        .filter(t -> !t.isBefore(resumed.minusMillis(500))).sorted().toList();
                assertTrue(!starts.isEmpty(), "the schedule goes on after the pause: " + list(config));
                // A backlog would start the six missed fires at once (one run, five SKIPPED). Fire-once-
                // and-proceed starts one now; at most one regular fire can share its first second.
                long inFirstSecond = starts.stream().filter(t -> t.isBefore(starts.get(0).plusSeconds(1))).count();
                assertTrue(inFirstSecond <= 2, "a backlog of missed fires ran on resume: " + starts + "\n"
                        + list(config));
            } finally {
                signal(daemon, "CONT");
                daemon.destroy();
                assertTrue(daemon.waitFor(120, TimeUnit.SECONDS));
            }
            assertNoOverlap(list(config));
        }
    }

    /** Sends a signal to a process this test started (never any other). */
    private static void signal(Process p, String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
    }

    private Map<String, Object> awaitRow(Path config, Process daemon, java.util.function.Predicate<Map<String, Object>> p)
            throws Exception {
        for (int i = 0; i < 600; i++) {
            assertTrue(daemon.isAlive(), () -> "daemon died: " + read(dir.resolve("daemon.out")));
            if (Files.exists(dir.resolve("repo/catalog.mv.db"))) {
                var found = list(config).stream().filter(p).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such row: " + list(config) + "\n" + read(dir.resolve("daemon.out")));
    }

    /** The Prometheus text format, parsed: series (name and labels, as written) to value. */
    private static Map<String, Double> prometheus(String body) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
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
                catalog.backups().insert(BackupRecord.running("mis", "20000101-000000F", BackupType.FULL, null, old,
                        new BackupRecord.Engine("mariabackup", "10.11"), new BackupRecord.Source("127.0.0.1", null),
                        dir.resolve("repo/mis/20000101-000000F").toString())
                        .completed(BackupStatus.VERIFIED, old.plusSeconds(60), new BackupRecord.Contents(1L, 1),
                                new BackupRecord.Lsns(0L, 1L), Coordinates.NONE, 1L, null),
                        ProcessIdentity.current());
            }
            Process daemon = daemon(config);
            try {
                for (int i = 0; i < 300 && list(config).size() < 2 && daemon.isAlive(); i++) {
                    Thread.sleep(200);
                }
                // The catch-up run ends VERIFIED once its after-backup verification is done: wait
                // for that (it takes long on a loaded machine), then a little more for a backlog run
                // that must not come.
                for (int i = 0; i < 600 && daemon.isAlive()
                        && !"VERIFIED".equals(list(config).get(0).get("status")); i++) {
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
            Map<String, Process> daemons = new LinkedHashMap<>();
            daemons.put("a", daemon(configA, "a"));
            String survivor = null;
            try {
                awaitNodes(catalogDb, 1);
                long stored = fullTriggerStart(catalogDb);
                daemons.put("b", daemon(configB, "b"));
                // Both joined one Quartz cluster in the catalog: a check-in row each.
                awaitNodes(catalogDb, 2);
                // The node that joined left the trigger as the cluster had it: replacing it (as a
                // start once did) re-arms a fire the other node has already taken, and it runs twice.
                assertEquals(stored, fullTriggerStart(catalogDb), "the second node replaced the stored trigger");
                awaitFires(4);
                assertEachFireRanOnce(configA);

                // Kill the node that ran the latest fire: its triggers must go to the other.
                String victim = latestFire("a").compareTo(latestFire("b")) > 0 ? "a" : "b";
                survivor = victim.equals("a") ? "b" : "a";
                daemons.get(victim).destroyForcibly(); // SIGKILL, mid-run or not
                daemons.get(victim).waitFor(30, TimeUnit.SECONDS);
                long ranBefore = ran(list(configA));
                int firesBefore = fires(survivor).size();
                // Quartz cluster recovery: the survivor finds the silent node and removes its check-in.
                awaitNodes(catalogDb, 1);
                for (int i = 0; i < 750 && ran(list(configA)) < ranBefore + 2; i++) {
                    Thread.sleep(200);
                }
                assertTrue(ran(list(configA)) >= ranBefore + 2, "the survivor goes on backing up: "
                        + read(dir.resolve("daemon-" + survivor + ".out")));
                assertTrue(fires(survivor).size() >= firesBefore + 2, "the survivor runs the fires: "
                        + read(dir.resolve("daemon-" + survivor + ".out")));
            } finally {
                daemons.values().forEach(Process::destroy);
                for (Process p : daemons.values()) {
                    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                }
            }
            assertEachFireRanOnce(configA);
            List<Map<String, Object>> rows = list(configA);
            // The run the SIGKILL interrupted (if any) was found by the survivor and failed, not left RUNNING.
            String survivorDir = "/host-" + survivor + "/";
            assertTrue(rows.stream().noneMatch(r -> "RUNNING".equals(r.get("status"))
                    && !((String) r.get("path")).contains(survivorDir)), rows.toString());
        }
    }

    /**
     * Each scheduled fire ran on one daemon only: the daemons' logs name each fire once, each with
     * its own backup in the catalog, and no two runs overlap.
     */
    private void assertEachFireRanOnce(Path config) throws IOException {
        List<String> started = new ArrayList<>(started("a"));
        started.addAll(started("b"));
        Map<String, Long> perFire = started.stream().collect(Collectors.groupingBy(f -> f, Collectors.counting()));
        assertTrue(perFire.values().stream().allMatch(n -> n == 1), "a fire ran on both daemons: " + perFire);
        List<String[]> fires = new ArrayList<>(fires("a"));
        fires.addAll(fires("b"));
        // The catalog after the logs: a fire logged between a listing and reading the logs (its
        // SKIPPED row a moment old) is in the catalog by now.
        List<Map<String, Object>> rows = list(config);
        List<Object> ids = rows.stream().map(r -> r.get("id")).toList();
        for (String[] fire : fires) {
            assertTrue(ids.contains(fire[1]), "the fire " + fire[0] + " logged backup " + fire[1] + ": " + rows);
        }
        assertEquals(fires.size(), fires.stream().map(f -> f[1]).distinct().count(), "one backup per fire");
        assertNoOverlap(rows);
    }

    private static final Pattern STARTED = Pattern.compile("scheduled \\w+ run \\((\\S+ at \\S+)\\) starts on node");
    private static final Pattern FIRE = Pattern.compile("scheduled \\w+ run \\((\\S+ at \\S+)\\): backup (\\S+) ");

    /** The fires a daemon took, from its log: "trigger at time". */
    private List<String> started(String daemon) {
        return STARTED.matcher(read(dir.resolve("daemon-" + daemon + ".out"))).results().map(m -> m.group(1))
                .toList();
    }

    /** The fires a daemon ran to the end, from its log: {trigger at time, backup id}. */
    private List<String[]> fires(String daemon) {
        List<String[]> out = new ArrayList<>();
        Matcher m = FIRE.matcher(read(dir.resolve("daemon-" + daemon + ".out")));
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    /** The scheduled time of the daemon's latest fire, ISO-8601, or "" when it ran none. */
    private String latestFire(String daemon) {
        return fires(daemon).stream().map(f -> f[0].substring(f[0].indexOf(" at ") + 4)).max(String::compareTo)
                .orElse("");
    }

    private void awaitFires(int count) throws InterruptedException {
        for (int i = 0; i < 600 && fires("a").size() + fires("b").size() < count; i++) {
            Thread.sleep(200);
        }
        assertTrue(fires("a").size() + fires("b").size() >= count, "fewer than " + count + " fires: "
                + read(dir.resolve("daemon-a.out")) + read(dir.resolve("daemon-b.out")));
    }

    /** Waits until the catalog's Quartz cluster has {@code count} nodes checked in. */
    private static void awaitNodes(SandboxServer catalogDb, int count) throws Exception {
        long nodes = -1;
        for (int i = 0; i < 300; i++) {
            try (Connection c = catalogDb.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM backup_catalog.QRTZ_SCHEDULER_STATE WHERE SCHED_NAME=?")) {
                ps.setString(1, "backup-dm2");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    nodes = rs.getLong(1);
                }
            } catch (SQLSyntaxErrorException e) {
                nodes = -1; // the first daemon has not migrated the catalog yet
            }
            if (nodes == count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(count + " nodes expected in the Quartz cluster, found " + nodes);
    }

    /** When the cluster's "full" trigger was stored: a trigger replaced by a node's start has a new one. */
    private static long fullTriggerStart(SandboxServer catalogDb) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (Connection c = catalogDb.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT START_TIME FROM backup_catalog.QRTZ_TRIGGERS WHERE SCHED_NAME=? AND TRIGGER_NAME=?")) {
                ps.setString(1, "backup-dm2");
                ps.setString(2, "full");
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no full trigger stored in the cluster");
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

    /** The daemon as systemd starts it: its own JVM from the built jar, its output in daemon.out. */
    private Process daemon(Path config) throws IOException {
        return daemon(config, dir.resolve("daemon.out"));
    }

    private Process daemon(Path config, String name) throws IOException {
        return daemon(config, dir.resolve("daemon-" + name + ".out"));
    }

    private static Process daemon(Path config, Path output) throws IOException {
        return new ProcessBuilder("java", "-jar", Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(),
                "--config", config.toString(), "daemon").redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
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
