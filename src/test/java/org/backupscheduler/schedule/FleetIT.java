package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet: two sandbox servers as two instances of one {@code --config-dir}; the commands on one
 * or all of them; two daemon processes on a MariaDB catalog running each fire once, with
 * {@code limits.per-host: 1} keeping the two instances' engines on this host apart.
 */
class FleetIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twoInstancesInOneConfigDirRunListAndReportAndABrokenFileStopsOnlyItsOwn() throws Exception {
        try (SandboxServer one = SandboxServer.start(SandboxOptions.primary("flt1"));
             SandboxServer two = SandboxServer.start(SandboxOptions.primary("flt2"))) {
            for (SandboxServer s : List.of(one, two)) {
                TestSetup.createBackupUser(s);
                Workload.load(s, 1_000);
            }
            Path configs = FleetConfigs.folder(dir, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    "verify:", "  after-backup: [structure]", "  deep: 'off'");
            FleetConfigs.instance(configs, "db1", one);
            FleetConfigs.instance(configs, "db2", two);
            String dirOption = configs.toString();

            Result ambiguous = TestSetup.cli("--config-dir", dirOption, "run");
            assertEquals(2, ambiguous.exitCode(), ambiguous.toString());
            assertTrue(ambiguous.err().contains("HINT: pass --instance NAME, one of: db1, db2"), ambiguous.err());

            Result run1 = TestSetup.cli("--config-dir", dirOption, "--instance", "db1", "run");
            assertEquals(0, run1.exitCode(), run1.toString());
            Result run2 = TestSetup.cli("--config-dir", dirOption, "--instance", "db2", "run");
            assertEquals(0, run2.exitCode(), run2.toString());

            // --instance is honoured: each backup read its own server.
            List<Map<String, Object>> all = list("--config-dir", dirOption);
            assertEquals(List.of("db1", "db2"), all.stream().map(b -> (String) b.get("instance")).sorted().toList(),
                    all.toString());
            for (Map<String, Object> b : all) {
                int port = b.get("instance").equals("db1") ? one.port() : two.port();
                assertTrue(List.of("VERIFIED", "COMPLETED").contains(b.get("status")), b.toString());
                assertTrue(((String) b.get("path")).contains("/repo/" + b.get("instance") + "/"), b.toString());
                assertEquals("127.0.0.1:" + port, b.get("source"), "the engine read its own instance's server: " + b);
            }
            assertEquals(List.of("db2"), list("--config-dir", dirOption, "--instance", "db2").stream()
                    .map(b -> (String) b.get("instance")).toList());

            Result text = TestSetup.cli("--config-dir", dirOption, "list");
            assertEquals(0, text.exitCode(), text.toString());
            assertTrue(text.out().contains("== db1\n") && text.out().contains("== db2\n"), text.out());

            Result report = TestSetup.cli("--config-dir", dirOption, "report", "--format", "json");
            JsonNode reports = JSON.readTree(report.out());
            assertTrue(reports.isArray() && reports.size() == 2, report.toString());
            assertEquals(List.of("db1", "db2"), List.of(reports.get(0).get("instance").asText(),
                    reports.get(1).get("instance").asText()));

            // A third file with a mistake: its instance is refused with a line naming the file; the others go on.
            Path broken = Files.writeString(configs.resolve("db3.yml"), "instance: db3\nsource:\n  port: many\n");
            Result listed = TestSetup.cli("--config-dir", dirOption, "list", "--json");
            assertEquals(2, listed.exitCode(), listed.toString());
            assertEquals(2, JSON.readTree(listed.out()).size(), listed.toString());
            assertTrue(listed.err().startsWith("error: instance file " + broken + " refused, its instance left out: "
                    + "bad value 'many' for source.port in " + broken), listed.err());
            Result refused = TestSetup.cli("--config-dir", dirOption, "--instance", "db3", "run");
            assertEquals(2, refused.exitCode(), refused.toString());
            assertTrue(refused.err().startsWith("error: bad value 'many' for source.port in " + broken),
                    refused.err());
            Result stillRuns = TestSetup.cli("--config-dir", dirOption, "--instance", "db1", "run");
            assertEquals(0, stillRuns.exitCode(), stillRuns.toString());
        }
    }

    @Test
    void twoDaemonNodesOnAMariaDbCatalogRunEachFireOnceAndKeepOneEnginePerHost() throws Exception {
        try (SandboxServer one = SandboxServer.start(SandboxOptions.primary("fln1"));
             SandboxServer two = SandboxServer.start(SandboxOptions.primary("fln2"));
             SandboxServer catalogDb = SandboxServer.start(SandboxOptions.primary("flcat"))) {
            for (SandboxServer s : List.of(one, two)) {
                TestSetup.createBackupUser(s);
                Workload.load(s, 1_000);
            }
            DaemonNodes.createCatalog(catalogDb);
            Path pw = TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD);
            Path catalogPw = TestSetup.passwordFile(dir, "catalog.pw", "cat-pw");
            // Two nodes, each its own repository and config folder, one catalog; both instances on
            // this host (127.0.0.1), so limits.per-host (default 1) lets one engine run at a time.
            Path configsA = nodeConfigs("a", one, two, pw, catalogDb, catalogPw);
            Path configsB = nodeConfigs("b", one, two, pw, catalogDb, catalogPw);
            // Node b also holds a file with a mistake: that instance is skipped, saying so; the others run.
            Files.writeString(configsB.resolve("zz-broken.yml"), "instance: broken\nschedule:\n  full: every now\n");
            daemons = new DaemonNodes(dir, List.of("a", "b"));
            Map<String, Process> nodes = new LinkedHashMap<>();
            nodes.put("a", daemon(configsA, "a"));
            nodes.put("b", daemon(configsB, "b"));
            try {
                DaemonNodes.awaitNodes(catalogDb, 2, () -> read(dir.resolve("daemon-a.out")) + read(dir.resolve("daemon-b.out")));
                daemons.awaitFires(8);
                Result status = TestSetup.cli("--config-dir", configsA.toString(), "cluster", "status", "--json");
                assertEquals(0, status.exitCode(), status.toString());
                JsonNode tree = JSON.readTree(status.out());
                assertEquals(2, tree.get("nodes").size(), status.out());
                for (JsonNode node : tree.get("nodes")) {
                    assertEquals("backup-fleet", node.get("cluster").asText());
                    assertTrue(node.get("alive").asBoolean(), status.out());
                }
                // One scrape, both instances, each series labelled.
                String metrics = get(metricsPorts.get("a"), "/metrics");
                for (String instance : List.of("db1", "db2")) {
                    assertTrue(metrics.contains("backup_last_success_timestamp_seconds{instance=\"" + instance + "\"}"),
                            metrics);
                }
                JsonNode health = JSON.readTree(get(metricsPorts.get("a"), "/health"));
                assertEquals(2, health.get("instances").size(), health.toString());
                Result text = TestSetup.cli("--config-dir", configsA.toString(), "cluster", "status");
                assertEquals(0, text.exitCode(), text.toString());
                assertTrue(text.out().startsWith("CLUSTER"), text.out());

                // SIGKILL the node holding an engine slot, mid-run: its slot is freed at once (its
                // process is gone from this host), and the survivor goes on backing up both instances.
                String victim = nodeHoldingASlot(configsA, nodes);
                String survivor = victim.equals("a") ? "b" : "a";
                nodes.get(victim).destroyForcibly();
                nodes.get(victim).waitFor(30, TimeUnit.SECONDS);
                int before = fires(survivor).size();
                DaemonNodes.awaitNodes(catalogDb, 1, () -> read(dir.resolve("daemon-" + survivor + ".out")));
                for (int i = 0; i < 900 && !ranBoth(fires(survivor).subList(before, fires(survivor).size())); i++) {
                    Thread.sleep(200);
                }
                assertTrue(ranBoth(fires(survivor).subList(before, fires(survivor).size())),
                        "the survivor backs up both instances: " + read(dir.resolve("daemon-" + survivor + ".out")));
            } finally {
                nodes.values().forEach(Process::destroy);
                for (Process p : nodes.values()) {
                    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                }
                // (the killed node's exit status is 137; the survivor's 0 after SIGTERM)
            }
            String logB = read(dir.resolve("daemon-b.out"));
            assertTrue(logB.contains("instance file " + configsB.resolve("zz-broken.yml") + " refused, its instance "
                    + "does not run: ") && logB.contains("schedule.full"), logB);

            List<Map<String, Object>> rows = list("--config-dir", configsA.toString());
            daemons.assertEachFireRanOnce(rows);
            for (String instance : List.of("db1", "db2")) {
                assertTrue(rows.stream().anyMatch(r -> instance.equals(r.get("instance"))
                        && List.of("VERIFIED", "EXPIRED", "COMPLETED").contains(r.get("status"))), instance + ": " + rows);
            }
            // Both nodes took fires: the cluster is not one node and a spare.
            assertTrue(!fires("a").isEmpty() && !fires("b").isEmpty(), "fires a " + fires("a") + " b " + fires("b"));
            // limits.per-host: 1 — no two engines on this host at once, whichever node and instance.
            assertNoOverlap(rows);
            String logs = read(dir.resolve("daemon-a.out")) + read(dir.resolve("daemon-b.out"));
            assertTrue(logs.contains("engines at once already run on database host"), "a fire waited: " + logs);
        }
    }

    private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
    private DaemonNodes daemons;

    private Process daemon(Path configs, String name) throws IOException {
        return daemons.start(configs, name);
    }

    private List<String[]> fires(String node) {
        return daemons.fires(node);
    }

    private String read(Path p) {
        return DaemonNodes.read(p);
    }


    /** Waits until a node holds an engine slot (cluster status) and names it. */
    private String nodeHoldingASlot(Path configs, Map<String, Process> nodes) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode running = JSON.readTree(TestSetup.cli("--config-dir", configs.toString(), "cluster", "status",
                    "--json").out()).get("running");
            for (JsonNode w : running) {
                if (w.get("what").asText().startsWith("engine slot on ")) {
                    for (Map.Entry<String, Process> n : nodes.entrySet()) {
                        if (n.getValue().pid() == w.get("pid").asLong()) {
                            return n.getKey();
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no node ever held an engine slot");
    }

    private static boolean ranBoth(List<String[]> fires) {
        return fires.stream().anyMatch(f -> f[0].startsWith("db1 ")) && fires.stream().anyMatch(f -> f[0].startsWith("db2 "));
    }

    private Path nodeConfigs(String node, SandboxServer one, SandboxServer two, Path pw, SandboxServer catalogDb,
                             Path catalogPw) throws IOException {
        Path configs = FleetConfigs.node(dir, node, pw, catalogDb, catalogPw,
                metricsPorts.computeIfAbsent(node, n -> DaemonNodes.freePort()));
        FleetConfigs.instance(configs, "db1", one);
        FleetConfigs.instance(configs, "db2", two);
        return configs;
    }

    private static List<Map<String, Object>> list(String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("list", "--json"));
        Result r = TestSetup.cli(args.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("backup list failed: " + r);
        }
        return JSON.readValue(r.out(), new TypeReference<>() { });
    }

    /** No two engine runs overlap, across both instances: the RUNNING intervals in the catalog. */
    private static void assertNoOverlap(List<Map<String, Object>> rows) {
        List<Map<String, Object>> ran = rows.stream().filter(b -> !"SKIPPED".equals(b.get("status")))
                .filter(b -> !(b.get("reason") instanceof String r && r.startsWith("the process running it")))
                .filter(b -> b.get("finished_at") != null)
                .sorted(Comparator.comparing(b -> (String) b.get("started_at"))).toList();
        assertTrue(ran.size() >= 4, ran.toString());
        for (int i = 1; i < ran.size(); i++) {
            Instant prevEnd = Instant.parse((String) ran.get(i - 1).get("finished_at"));
            Instant start = Instant.parse((String) ran.get(i).get("started_at"));
            assertTrue(!start.isBefore(prevEnd), "engines overlap on one host: " + ran.get(i - 1) + " and "
                    + ran.get(i));
        }
    }

    private static String get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
