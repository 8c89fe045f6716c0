package org.backupscheduler.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.cli.Main;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineLocator;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.Workload;

/**
 * The scale curve of [2.6] ({@code bench/run --sizes 1,4,16}): one sandbox grown size by size
 * with the same writers as {@link Benchmark}, every copy step timed once per size (page cache
 * dropped before each when root), the 1-minute load average recorded beside each step (the
 * machine may be shared), and a least-squares line (fixed seconds + seconds per GB) per step.
 * Writes its own section at the end of docs/benchmarks.md, keeping the 1 GB table above it.
 */
final class ScaleCurve {
    static final String SECTION = "## Scale curve";

    private final List<Double> sizesGb;
    private final Path outFile;
    private final boolean s3;
    private boolean dropCaches;
    /** step name -> one row per size. */
    private final Map<String, List<Row>> steps = new LinkedHashMap<>();

    record Row(double sizeGb, long bytes, long copied, double seconds, double stall, double writerRate, double loadBefore,
            double loadAfter, String note) {
    }

    ScaleCurve(List<Double> sizesGb, Path outFile, boolean s3) {
        this.sizesGb = sizesGb;
        this.outFile = outFile;
        this.s3 = s3;
    }

    void run() throws Exception {
        dropCaches = Files.isWritable(Path.of("/proc/sys/vm/drop_caches"));
        Path home = Files.createTempDirectory(Path.of("/tmp"), "bs-scale-");
        Instant started = Instant.now();
        say("scale curve: sizes %s GB, page cache %s, under %s", sizesGb,
                dropCaches ? "dropped before each step" : "NOT dropped (not root)", home);
        AutoCloseable s3proxy = null;
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("scale").under(home))) {
            say("loading the workload tables");
            Workload.load(server, 20_000);
            Path pw = Benchmark.backupAccount(home, server);
            Path repo = home.resolve("repo");
            Files.createDirectories(repo);
            Path config = home.resolve("backup.yml");
            String base = server.sourceConfigYaml("scale", repo, "backup", pw) + "verify:\n  after-backup: []\n";
            ConfigTrust.write(config, base);
            BackupConfig c = ConfigLoader.load(config);
            Catalog.open(c.catalogUrl(), c.catalog().user(), null).close();
            Path s3Config = null;
            if (s3) {
                try {
                    S3 started3 = S3.start(home, base, repo);
                    s3proxy = started3.server;
                    s3Config = started3.config;
                    BackupConfig sc = ConfigLoader.load(s3Config);
                    Catalog.open(sc.catalogUrl(), sc.catalog().user(), null).close();
                } catch (Exception | LinkageError e) {
                    say("S3 rows skipped: %s", e);
                    s3Config = null;
                }
            }
            EngineTool tool = EngineLocator.fromEnvironment().locate("auto");
            EngineCommands commands = new EngineCommands(tool);
            Benchmark.Step idle = new Benchmark.Step("idle");
            timedWithWriter(idle, server, () -> {
                Thread.sleep(5000);
                return null;
            });
            record("writer alone (5 s, no copy)", 0, 0, idle, loadavg(), "");
            for (double gb : sizesGb) {
                long size = Benchmark.fillTo(server, (long) (gb * 1024 * 1024 * 1024));
                say("size %.0f GB: datadir %.0f MB", gb, size / 1048576.0);
                measure(home, server, commands, config, s3Config, gb, size);
            }
        } finally {
            if (s3proxy != null) {
                s3proxy.close();
            }
            PathUtils.deleteDirectory(home);
            say("removed %s", home);
        }
        String section = render(started);
        String doc = Files.exists(outFile) ? Files.readString(outFile) : "# Benchmarks\n\n";
        int at = doc.indexOf(SECTION);
        doc = (at >= 0 ? doc.substring(0, at) : doc.endsWith("\n\n") ? doc : doc + "\n") + section;
        Files.writeString(outFile, doc);
        say("wrote %s", outFile);
        System.out.print(section);
    }

    private void measure(Path home, SandboxServer server, EngineCommands commands, Path config, Path s3Config,
            double gb, long size) throws Exception {
        Path datadir = server.datadir();
        step(gb, size, "raw read of the datadir (cat > /dev/null)", "", null, () -> Benchmark.run(null, "find",
                datadir.toString(), "-type", "f", "-exec", "cat", "{}", "+"));
        Path cpDir = home.resolve("cp");
        step(gb, size, "cp -a of the datadir", "", null, () -> Benchmark.run(null, "cp", "-a", datadir.toString(),
                cpDir.toString()));
        PathUtils.deleteDirectory(cpDir);
        Path bareDir = home.resolve("bare");
        try (CredentialsFile creds = CredentialsFile.write(server.rootEndpoint())) {
            step(gb, size, BARE, "--parallel=2 --log-copy-interval=100, as `backup run`", server, () -> {
                Process p = new ProcessBuilder(commands.backup(BackupRequest.full(bareDir, datadir, 2), creds))
                        .redirectErrorStream(true).redirectOutput(home.resolve("bare.log").toFile()).start();
                Benchmark.check(p.waitFor() == 0, "mariabackup --backup failed: see " + home.resolve("bare.log"));
                return null;
            });
        }
        long copied = Benchmark.dirSize(bareDir);
        steps.get(BARE).set(steps.get(BARE).size() - 1, withCopied(steps.get(BARE).get(steps.get(BARE).size() - 1), copied));
        PathUtils.deleteDirectory(bareDir);
        step(gb, size, copied, OURS, "in-process CLI, folder repository; manifest included, verification off", server,
                () -> cli(config));
        PathUtils.deleteDirectory(home.resolve("repo").resolve("scale"));
        if (s3Config != null) {
            Path lsn = home.resolve("stream-lsn");
            Files.createDirectories(lsn);
            try (CredentialsFile creds = CredentialsFile.write(server.rootEndpoint())) {
                step(gb, size, copied, BARE_STREAM, "--stream into /dev/null (engine's own cost of the stream path)", server,
                        () -> {
                            Process p = new ProcessBuilder(commands.streamedBackup(
                                    BackupRequest.full(home.resolve("stream-target"), datadir, 2), creds, lsn))
                                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                    .redirectError(home.resolve("stream.log").toFile()).start();
                            Benchmark.check(p.waitFor() == 0, "mariabackup --stream failed: see "
                                    + home.resolve("stream.log"));
                            return null;
                        });
            }
            PathUtils.deleteDirectory(lsn);
            try {
                step(gb, size, copied, OURS_S3, "into S3Proxy on loopback (filesystem store, same disk), no compression",
                        server, () -> cli(s3Config));
            } catch (RuntimeException e) {
                say("backup run into s3 failed: %s", e.getMessage());
            }
            PathUtils.deleteDirectory(home.resolve("s3").resolve("objects").resolve(S3.BUCKET));
            Files.createDirectories(home.resolve("s3").resolve("objects").resolve(S3.BUCKET));
            if (Files.exists(home.resolve("state"))) {
                try (Stream<Path> l = Files.list(home.resolve("state"))) {
                    for (Path p : l.filter(p -> p.getFileName().toString().startsWith("scale")).toList()) {
                        PathUtils.deleteDirectory(p);
                    }
                }
            }
        }
    }

    static final String BARE = "bare mariabackup --backup (writer running)";
    static final String OURS = "backup run (writer running)";
    static final String BARE_STREAM = "bare mariabackup --stream > /dev/null (writer running)";
    static final String OURS_S3 = "backup run into s3 (writer running)";

    /** S3Proxy (test-scope jar: present when bench/run put the test classpath on) and a config for it. */
    private record S3(AutoCloseable server, Path config) {
        static final String BUCKET = "backups";

        static S3 start(Path home, String base, Path repo) throws Exception {
            var s3 = org.backupscheduler.testing.S3ProxyServer.start(home.resolve("s3"), BUCKET);
            Path[] keys = s3.keyFiles(home, org.backupscheduler.testing.S3ProxyServer.SECRET_KEY);
            String yaml = base.replace("repository: " + repo, "state-dir: " + home.resolve("state") + "\n"
                    + "repository:\n"
                    + "  url: s3://" + BUCKET + "/scale\n"
                    + "  s3: {endpoint: '" + s3.endpoint() + "', region: us-east-1, path-style: true,"
                    + " access-key-file: " + keys[0] + ", secret-key-file: " + keys[1] + "}")
                    .replace("  parallel: 2\n", "  parallel: 2\n  compress: none\n");
            Path config = home.resolve("backup-s3.yml");
            ConfigTrust.write(config, yaml);
            return new S3(s3, config);
        }
    }

    private static Void cli(Path config) {
        var cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--config", config.toString(), "run");
        Benchmark.check(code == 0, "backup run (" + config.getFileName() + ") exited " + code + ": " + err);
        return null;
    }

    private void step(double gb, long bytes, String name, String note, SandboxServer writerOn, Callable<?> work)
            throws Exception {
        step(gb, bytes, 0, name, note, writerOn, work);
    }

    /** {@code copied}: what the step really copies when not the whole datadir (the engine skips binlogs). */
    private void step(double gb, long bytes, long copied, String name, String note, SandboxServer writerOn,
            Callable<?> work) throws Exception {
        dropCaches();
        double before = loadavg();
        Benchmark.Step s = new Benchmark.Step(name);
        if (writerOn != null) {
            timedWithWriter(s, writerOn, work);
        } else {
            timed(s, work);
        }
        record(name, gb, bytes, copied, s, before, note);
    }

    private void record(String name, double gb, long bytes, Benchmark.Step s, double before, String note)
            throws IOException {
        record(name, gb, bytes, 0, s, before, note);
    }

    private void record(String name, double gb, long bytes, long copied, Benchmark.Step s, double before,
            String note) throws IOException {
        steps.computeIfAbsent(name, k -> new ArrayList<>()).add(new Row(gb, bytes, copied, s.seconds.get(0),
                s.stalls.isEmpty() ? Double.NaN : s.stalls.get(0),
                s.writerRates.isEmpty() ? Double.NaN : s.writerRates.get(0), before, loadavg(), note));
    }

    private void timed(Benchmark.Step s, Callable<?> work) throws Exception {
        long t0 = System.nanoTime();
        work.call();
        double secs = (System.nanoTime() - t0) / 1e9;
        s.seconds.add(secs);
        say("  %-62s %7.2f s (load %.2f)", s.name, secs, loadavg());
    }

    private void timedWithWriter(Benchmark.Step s, SandboxServer server, Callable<?> work) throws Exception {
        try (Workload writer = new Workload(server).startWriter()) {
            Thread.sleep(300);
            long w0 = writer.written();
            long t0 = System.nanoTime();
            timed(s, work);
            double secs = (System.nanoTime() - t0) / 1e9;
            s.stalls.add(writer.longestStallMillis() / 1000.0);
            s.writerRates.add((writer.written() - w0) / secs);
            say("  %-62s stall %.2f s, writer %.0f rounds/s", "", s.stalls.get(0), s.writerRates.get(0));
        }
    }

    private void dropCaches() throws IOException, InterruptedException {
        if (dropCaches) {
            Benchmark.run(null, "sync");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
        }
    }

    static double loadavg() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /** Least squares t = fixed + perGb * size over the rows; NaN when fewer than two sizes. */
    static double[] fit(List<Row> rows) {
        int n = rows.size();
        if (n < 2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Row r : rows) {
            double x = r.bytes() / (1024.0 * 1024 * 1024);
            sx += x;
            sy += r.seconds();
            sxx += x * x;
            sxy += x * r.seconds();
        }
        double den = n * sxx - sx * sx;
        if (den == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double slope = (n * sxy - sx * sy) / den;
        return new double[] {(sy - slope * sx) / n, slope};
    }

    private String render(Instant started) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append(SECTION).append("\n\n");
        b.append("Written by `bench/run --sizes ").append(sizesGb.stream().map(d -> String.format("%.0f", d))
                .reduce((x, y) -> x + "," + y).orElse("")).append("` (org.backupscheduler.bench.ScaleCurve), ")
                .append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(ChronoUnit.SECONDS)))
                .append(". One sandbox grown size by size with the writers above; one run per size; page cache ")
                .append(dropCaches ? "dropped before every step" : "**not dropped** (not root)")
                .append(". Datadir GB includes the primary's binary logs (written by the load, over 40 % of "
                        + "it): raw read and cp -a copy them, the engine does not; Copied GB is the bare engine's "
                        + "backup folder, and the engine rows' MB/s are of that. The fit is over the datadir size, "
                        + "in seconds per datadir GB.\n\n");
        double minLoad = Double.MAX_VALUE, maxLoad = 0;
        for (List<Row> rows : steps.values()) {
            for (Row r : rows) {
                minLoad = Math.min(minLoad, Math.min(r.loadBefore(), r.loadAfter()));
                maxLoad = Math.max(maxLoad, Math.max(r.loadBefore(), r.loadAfter()));
            }
        }
        b.append(String.format("**Taken under load**: the machine (%d cores) was shared with other builds; the 1-minute "
                + "load average ranged %.2f to %.2f across the steps (column below). Absolute times and MB/s are "
                + "therefore pessimistic and noisy; ratios taken in the same minute are the better signal.%n%n",
                Runtime.getRuntime().availableProcessors(), minLoad, maxLoad));
        b.append("| Step | Datadir GB | Copied GB | Time (s) | MB/s (of copied) | Writer stall (s) | Writer rounds/s | Load before / after | Notes |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (var e : steps.entrySet()) {
            for (Row r : e.getValue()) {
                b.append("| ").append(e.getKey()).append(" | ")
                        .append(r.bytes() > 0 ? String.format("%.2f", r.bytes() / (1024.0 * 1024 * 1024)) : "").append(" | ")
                        .append(r.copied() > 0 ? String.format("%.2f", r.copied() / (1024.0 * 1024 * 1024)) : "").append(" | ")
                        .append(String.format("%.2f", r.seconds())).append(" | ")
                        .append(r.bytes() > 0 ? String.format("%.0f", (r.copied() > 0 ? r.copied() : r.bytes())
                                / 1048576.0 / r.seconds()) : "").append(" | ")
                        .append(Double.isNaN(r.stall()) ? "" : String.format("%.2f", r.stall())).append(" | ")
                        .append(Double.isNaN(r.writerRate()) ? "" : String.format("%.0f", r.writerRate())).append(" | ")
                        .append(String.format("%.2f / %.2f", r.loadBefore(), r.loadAfter())).append(" | ")
                        .append(r.note()).append(" |\n");
            }
        }
        b.append("\n### Fitted line (least squares over the sizes): time = fixed + per-GB × size\n\n");
        b.append("| Step | Fixed (s) | Per GB (s) | Sizes |\n|---|---:|---:|---:|\n");
        for (var e : steps.entrySet()) {
            if (e.getValue().get(0).bytes() == 0) {
                continue;
            }
            double[] f = fit(e.getValue());
            b.append("| ").append(e.getKey()).append(" | ").append(String.format("%.2f", f[0])).append(" | ")
                    .append(String.format("%.2f", f[1])).append(" | ").append(e.getValue().size()).append(" |\n");
        }
        b.append("\n### Ratios per size\n\n| Ratio | GB | Value | Target | Verdict |\n|---|---:|---:|---|---|\n");
        ratios(b, "backup run / bare mariabackup", OURS, BARE, 1.05);
        ratios(b, "backup run into s3 / bare mariabackup --stream > /dev/null", OURS_S3, BARE_STREAM, 1.05);
        List<Row> idle = steps.get("writer alone (5 s, no copy)");
        for (String name : List.of(OURS, OURS_S3, BARE)) {
            for (Row r : steps.getOrDefault(name, List.of())) {
                double v = r.writerRate() / idle.get(0).writerRate();
                b.append(String.format("| writer throughput during %s / alone | %.2f | %.2f | ≥ 0.8 | %s |%n", name,
                        gib(r), v, v >= 0.8 ? "met" : String.format("missed by %.0f %%", (1 - v / 0.8) * 100)));
                b.append(String.format("| longest writer stall during %s (s) | %.2f | %.2f | ≤ 0.1 | %s |%n", name,
                        gib(r), r.stall(), r.stall() <= 0.1 ? "met"
                                : String.format("missed by %.0f %%", (r.stall() / 0.1 - 1) * 100)));
            }
        }
        if (!steps.containsKey(OURS_S3)) {
            b.append("\nThe stream path (backup run into s3 vs bare --stream) was not measured in this run.\n");
        }
        return b.toString();
    }

    private static Row withCopied(Row r, long copied) {
        return new Row(r.sizeGb(), r.bytes(), copied, r.seconds(), r.stall(), r.writerRate(), r.loadBefore(),
                r.loadAfter(), r.note());
    }

    private static double gib(Row r) {
        return r.bytes() / (1024.0 * 1024 * 1024);
    }

    private void ratios(StringBuilder b, String what, String num, String den, double limit) {
        List<Row> n = steps.getOrDefault(num, List.of());
        List<Row> d = steps.getOrDefault(den, List.of());
        for (int i = 0; i < Math.min(n.size(), d.size()); i++) {
            double v = n.get(i).seconds() / d.get(i).seconds();
            b.append(String.format("| %s | %.2f | %.2f | ≤ %.2f | %s |%n", what, gib(n.get(i)), v, limit,
                    v <= limit ? "met" : String.format("missed by %.0f %%", (v / limit - 1) * 100)));
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf(format + "%n", args);
        System.out.flush();
    }
}
