package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLSyntaxErrorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.backupscheduler.sandbox.SandboxServer;

/**
 * Daemon nodes of a fleet as the tests start them ({@code java -jar target/backup-scheduler.jar
 * --config-dir DIR daemon}, output in {@code dir/daemon-NAME.out}) and what their logs say: the
 * fires each node started and finished, and the check that each fire ran once across the nodes.
 */
final class DaemonNodes {
    /** "[instance -] scheduled full run (full at T) starts on node N": instance and fire. */
    private static final Pattern STARTED = Pattern.compile("\\[(\\S+) \\S+\\] scheduled \\w+ run \\((\\S+ at \\S+)\\) "
            + "starts on node");
    private static final Pattern FIRE = Pattern.compile("\\[(\\S+) \\S+\\] scheduled \\w+ run \\((\\S+ at \\S+)\\): "
            + "backup (\\S+) ");

    private final Path dir;
    private final List<String> names;

    DaemonNodes(Path dir, List<String> names) {
        this.dir = dir;
        this.names = names;
    }

    /** The daemon as systemd starts it, with --config-dir: its own JVM from the built jar. */
    Process start(Path configs, String name) throws IOException {
        return new ProcessBuilder("java", "-jar", Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(),
                "--config-dir", configs.toString(), "daemon").redirectErrorStream(true)
                .redirectOutput(log(name).toFile()).start();
    }

    Path log(String name) {
        return dir.resolve("daemon-" + name + ".out");
    }

    String read(String name) {
        return read(log(name));
    }

    String allLogs() {
        return names.stream().map(this::read).collect(Collectors.joining());
    }

    /** The fires a node started: "instance fire". */
    List<String> started(String node) {
        return STARTED.matcher(read(node)).results().map(m -> m.group(1) + " " + m.group(2)).toList();
    }

    /** The fires a node ran to the end: {instance and fire, backup id}. */
    List<String[]> fires(String node) {
        List<String[]> out = new ArrayList<>();
        Matcher m = FIRE.matcher(read(node));
        while (m.find()) {
            out.add(new String[] {m.group(1) + " " + m.group(2), m.group(3)});
        }
        return out;
    }

    int allFires() {
        return names.stream().mapToInt(n -> fires(n).size()).sum();
    }

    void awaitFires(int count) throws InterruptedException {
        for (int i = 0; i < 900 && allFires() < count; i++) {
            Thread.sleep(200);
        }
        assertTrue(allFires() >= count, "fewer than " + count + " fires: " + allLogs());
    }

    /** Each fire of each instance was taken by one node only, and gave its own backup (catalog rows of list --json). */
    void assertEachFireRanOnce(List<Map<String, Object>> rows) {
        List<String> started = names.stream().flatMap(n -> started(n).stream()).toList();
        Map<String, Long> perFire = started.stream().collect(Collectors.groupingBy(f -> f, Collectors.counting()));
        assertTrue(perFire.values().stream().allMatch(n -> n == 1), "a fire ran on both nodes: " + perFire
                + names.stream().map(n -> "\n--- node " + n + "\n" + read(n)).collect(Collectors.joining()));
        List<String[]> fires = names.stream().flatMap(n -> fires(n).stream()).toList();
        List<String> ids = rows.stream().map(r -> r.get("instance") + "/" + r.get("id")).toList();
        for (String[] fire : fires) {
            String instance = fire[0].substring(0, fire[0].indexOf(' '));
            assertTrue(ids.contains(instance + "/" + fire[1]), "the fire " + fire[0] + " logged backup " + fire[1]
                    + ": " + rows);
        }
        assertEquals(fires.size(), fires.stream().map(f -> f[0].substring(0, f[0].indexOf(' ')) + "/" + f[1])
                .distinct().count(), "one backup per fire");
    }

    /** The catalog database and account on a sandbox server: user {@code catalog}, password {@code cat-pw}. */
    static void createCatalog(SandboxServer catalogDb) throws Exception {
        catalogDb.execute("CREATE DATABASE backup_catalog",
                "CREATE USER 'catalog'@'127.0.0.1' IDENTIFIED BY 'cat-pw'",
                "GRANT ALL ON backup_catalog.* TO 'catalog'@'127.0.0.1'");
    }

    /** Waits until {@code count} nodes check in to the {@code backup-fleet} Quartz cluster on that catalog. */
    static void awaitNodes(SandboxServer catalogDb, int count, Supplier<String> logs) throws Exception {
        long nodes = -1;
        for (int i = 0; i < 300; i++) {
            try (Connection c = catalogDb.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM backup_catalog.QRTZ_SCHEDULER_STATE WHERE SCHED_NAME='backup-fleet'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                nodes = rs.getLong(1);
            } catch (SQLSyntaxErrorException e) {
                nodes = -1; // not migrated yet
            }
            if (nodes == count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(count + " nodes expected in the Quartz cluster, found " + nodes + "\n" + logs.get());
    }

    /** A free loopback port now (each node's own metrics.listen). */
    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
