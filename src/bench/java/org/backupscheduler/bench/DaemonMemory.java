package org.backupscheduler.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.backupscheduler.sandbox.SandboxServer;

/**
 * The daemon's resident memory under a compressed schedule: a full backup every 15 s (each
 * verified: structure, checksum, prepare; retention after each), so a few minutes stand for a
 * day of hourly runs. The daemon is started by {@code bin/backup daemon} itself (its JVM options,
 * or {@code BACKUP_JAVA_OPTS} when set) and stopped with SIGTERM.
 */
final class DaemonMemory {
    static final String STEP = "daemon under a 15 s schedule (resident memory)";

    private final Path home;
    private final SandboxServer server;
    private final Duration length;

    DaemonMemory(Path home, SandboxServer server, Duration length) {
        this.home = home;
        this.server = server;
        this.length = length;
    }

    void measure(Benchmark.Step step) throws IOException, SQLException, InterruptedException {
        Path config = home.resolve("daemon.yml");
        Files.writeString(config, server.sourceConfigYaml("bench-daemon", home.resolve("daemon-repo"), "backup",
                Benchmark.backupAccount(home, server))
                + String.join("\n", "schedule:", "  full: '*/15 * * * * ?'", "verify:", "  deep: 'off'",
                "metrics:", "  listen: 127.0.0.1:" + freePort(), ""));
        // Exactly what a user (or the systemd unit) starts: bin/backup, with its JVM options for the daemon.
        Path launcher = Path.of("bin/backup").toAbsolutePath();
        Benchmark.check(Files.isExecutable(launcher), "run the benchmark from the repository (bench/run): "
                + launcher + " not found");
        List<String> argv = List.of(launcher.toString(), "--config", config.toString(), "daemon");
        String opts = System.getenv("BACKUP_JAVA_OPTS");
        Path out = home.resolve("daemon.out");
        System.out.printf("daemon for %d s under a 15 s schedule%n", length.toSeconds());
        Process daemon = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long peakKb = 0;
        long lastKb = 0;
        long t0 = System.nanoTime();
        try {
            while (System.nanoTime() - t0 < length.toNanos() && daemon.isAlive()) {
                Thread.sleep(2000);
                lastKb = status(daemon.pid(), "VmRSS:");
                peakKb = Math.max(peakKb, Math.max(lastKb, status(daemon.pid(), "VmHWM:")));
            }
        } finally {
            daemon.destroy(); // SIGTERM: the daemon finishes a running backup and exits
            if (!daemon.waitFor(5, TimeUnit.MINUTES)) {
                daemon.destroyForcibly();
            }
        }
        long runs;
        try (Stream<String> lines = Files.lines(out)) {
            // One line per finished run: "scheduled full run (full at T): backup ID STATUS".
            runs = lines.filter(l -> l.contains("scheduled full run (") && l.contains("): backup ")).count();
        }
        step.seconds.add((System.nanoTime() - t0) / 1e9);
        step.peakRssMb = Math.max(step.peakRssMb, peakKb / 1024.0);
        step.note = String.format("%d scheduled runs; peak RSS (VmHWM) %.0f MB, last VmRSS %.0f MB; JVM options: %s",
                runs, peakKb / 1024.0, lastKb / 1024.0, opts == null ? "bin/backup's daemon defaults" : opts);
        System.out.printf("  %s%n", step.note);
    }

    /** A /proc/PID/status field in kB, 0 once the process is gone. */
    private static long status(long pid, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
