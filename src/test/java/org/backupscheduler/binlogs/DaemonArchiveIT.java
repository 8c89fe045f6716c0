package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon archives with {@code binlogs.archive: on}; killed with SIGKILL mid-file (its
 * mariadb-binlog left running, orphaned), the next start ends that orphan, loses no sealed file
 * and resumes from the last archived one.
 */
class DaemonArchiveIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aDaemonKilledMidFileLosesNoSealedFileAndTheNextStartResumes() throws Exception {
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("bld"))) {
            TestSetup.createBackupUser(server);
            server.execute("GRANT REPLICATION SLAVE ON *.* TO 'backup'@'127.0.0.1'", "CREATE DATABASE app",
                    "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY)");
            int port = freePort();
            Path config = TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    String.join("\n", "schedule:", "  full: '0 0 3 * * ?'", "verify:", "  deep: 'off'",
                            "metrics:", "  listen: 127.0.0.1:" + port, "binlogs:", "  archive: on", "  max-delay: 5s"));
            Path store = dir.resolve("repo").resolve(server.name()).resolve("binlogs");
            Process first = daemon(config, "first");
            long orphan;
            try {
                write(server, 3);
                server.execute("FLUSH BINARY LOGS");
                write(server, 3);
                String sealed = logs(server).get(0);
                String open = logs(server).get(1);
                await("first file sealed", () -> Files.exists(store.resolve(sealed + ".json")), first);
                await("open file stored", () -> Files.exists(store.resolve(open + ".partial")), first);
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(metrics.body().contains("backup_binlog_archive_lag_seconds{instance=\"bld\"}"), metrics.body());
                assertTrue(metrics.body().contains("backup_binlog_archive_gaps{instance=\"bld\"} 0.0"), metrics.body());
                orphan = Long.parseLong(Files.readString(dir.resolve("repo").resolve(server.name())
                        .resolve(Archive.WORK_DIR).resolve("tool.pid")).split(" ")[0]);
            } finally {
                new ProcessBuilder("kill", "-KILL", Long.toString(first.pid())).start().waitFor();
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            }
            assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false),
                    "SIGKILL of the JVM leaves its mariadb-binlog running");
            // While no daemon runs, the server rotates twice.
            write(server, 2);
            server.execute("FLUSH BINARY LOGS");
            write(server, 2);
            server.execute("FLUSH BINARY LOGS");
            write(server, 1);
            List<String> logs = logs(server);

            Process second = daemon(config, "second");
            try {
                String last = logs.get(logs.size() - 2);
                await(last + " sealed after the restart", () -> Files.exists(store.resolve(last + ".json")), second);
                await("the orphan ended", () -> !ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false),
                        second);
            } finally {
                second.destroy();
                assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            }
            for (String closed : logs.subList(0, logs.size() - 1)) {
                assertArrayEquals(Files.readAllBytes(server.datadir().resolve(closed)),
                        Files.readAllBytes(store.resolve(closed)), closed);
            }
            Result status = TestSetup.cli("--config", config.toString(), "binlogs", "status", "--json");
            assertEquals(0, status.exitCode(), status.toString());
            Map<?, ?> s = JSON.readValue(status.out(), Map.class);
            assertEquals(List.of(), s.get("gaps"));
            assertEquals(logs.size() - 1, s.get("sealed_files"), s.toString());
            String out = Files.readString(dir.resolve("daemon-second.out"));
            assertTrue(out.contains("left running by an archiver that died"), out);
            assertFalse(Files.exists(store.resolve(logs.get(0) + ".partial")));
        }
    }

    private static void write(SandboxServer server, int rows) throws Exception {
        for (int i = 0; i < rows; i++) {
            server.execute("INSERT INTO app.t () VALUES ()");
        }
    }

    private static List<String> logs(SandboxServer server) throws Exception {
        List<String> logs = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(rs.getString(1));
            }
        }
        return logs;
    }

    private void await(String what, BooleanSupplier done, Process daemon) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        while (!done.getAsBoolean()) {
            if (!daemon.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited for " + what + "; daemon " + (daemon.isAlive() ? "running" : "died")
                        + "\n" + tail());
            }
            Thread.sleep(250);
        }
    }

    private String tail() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String name : new String[] {"daemon-first.out", "daemon-second.out"}) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                b.append("--- ").append(name).append('\n').append(Files.readString(f));
            }
        }
        return b.toString();
    }

    /** The daemon as systemd starts it: its own JVM from the built jar. */
    private Process daemon(Path config, String name) throws IOException {
        return new ProcessBuilder("java", "-jar", Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(),
                "--config", config.toString(), "daemon").redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon-" + name + ".out").toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
