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
 * The scale curve of [2.6] ({@code bench/run --sizes 1,4,16 --runs 3}): one sandbox grown size by
 * size with the same writers as {@link Benchmark} ({@link Writers}), every copy step timed
 * {@code runs} times per size (page cache dropped before each when root; medians shown), the
 * 1-minute load average recorded beside each step (the machine may be shared), and a
 * least-squares line (fixed seconds + seconds per GB) per step over the medians.
 * Writes its own section at the end of docs/benchmarks.md, keeping the 1 GB table above it.
 */
final class ScaleCurve {
    static final String SECTION = "## Scale curve";

    private final List<Double> sizesGb;
    private final Path outFile;
    private final boolean s3;
    private final int runs;
    private boolean dropCaches;
    /** step name -> one row per size and run. */
    private final Map<String, List<Row>> steps = new LinkedHashMap<>();

    /** {@code stall}, {@code writerRate}: the InnoDB writer's; {@code myisam…}: the MyISAM writer's. */
    record Row(double sizeGb, long bytes, long copied, double seconds, double stall, double writerRate,
            double myisamStall, double myisamRate, double loadBefore, double loadAfter, String note) {
    }

    ScaleCurve(List<Double> sizesGb, Path outFile, boolean s3, int runs) {
        this.sizesGb = sizesGb;
        this.outFile = outFile;
        this.s3 = s3;
        this.runs = Math.max(1, runs);
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
            // A state-dir, as an installed host has (/var/lib/backup-scheduler): the engine's version is kept there.
            Files.createDirectories(home.resolve("state"));
            ConfigTrust.write(config, base + "state-dir: " + home.resolve("state") + "\n");
            // The same at engine.priority low (nice 19, ionice -c2 -n7): [2.6] "made the default if it wins".
            Path lowConfig = home.resolve("backup-low.yml");
            ConfigTrust.write(lowConfig, base.replace("  parallel: 2\n", "  parallel: 2\n  priority: low\n")
                    + "state-dir: " + home.resolve("state") + "\n");
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
            for (double gb : sizesGb) {
                long size = Benchmark.fillTo(server, (long) (gb * 1024 * 1024 * 1024));
                for (int r = 1; r <= runs; r++) {
                    say("size %.0f GB: datadir %.0f MB, run %d of %d", gb, size / 1048576.0, r, runs);
                    measure(home, server, commands, config, lowConfig, s3Config, gb, size);
                }
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

    private void measure(Path home, SandboxServer server, EngineCommands commands, Path config, Path lowConfig,
            Path s3Config, double gb, long size) throws Exception {
        Path datadir = server.datadir();
        // The writers alone first, at this size and minute: what "of idle" means for the steps below.
        Benchmark.Step idle = new Benchmark.Step(IDLE);
        double idleBefore = loadavg();
        timedWithWriter(idle, server, () -> {
            Thread.sleep(5000);
            return null;
        });
        record(IDLE, gb, 0, idle, idleBefore, "");
        step(gb, size, "raw read of the datadir (cat > /dev/null)", "", null, () -> Benchmark.run(null, "find",
                datadir.toString(), "-type", "f", "-exec", "cat", "{}", "+"));
        Path cpDir = home.resolve("cp");
        step(gb, size, "cp -a of the datadir", "", null, () -> Benchmark.run(null, "cp", "-a", datadir.toString(),
                cpDir.toString()));
        PathUtils.deleteDirectory(cpDir);
        Path bareDir = home.resolve("bare");
        try (CredentialsFile creds = CredentialsFile.write(server.rootEndpoint())) {
            step(gb, size, BARE, "--parallel=2 --log-copy-interval=10, as `backup run`", server, () -> {
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
        step(gb, size, copied, OURS_LOW, "as above, engine.priority low: the engine under nice 19 and ionice -c2 -n7",
                server, () -> cli(lowConfig));
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
    static final String OURS_LOW = "backup run, engine.priority low (writer running)";
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
                first(s.stalls), first(s.writerRates), first(s.myisamStalls), first(s.myisamRates), before, loadavg(),
                note));
    }

    private static double first(List<Double> v) {
        return v.isEmpty() ? Double.NaN : v.get(0);
    }

    private void timed(Benchmark.Step s, Callable<?> work) throws Exception {
        long t0 = System.nanoTime();
        work.call();
        double secs = (System.nanoTime() - t0) / 1e9;
        s.seconds.add(secs);
        say("  %-62s %7.2f s (load %.2f)", s.name, secs, loadavg());
    }

    private void timedWithWriter(Benchmark.Step s, SandboxServer server, Callable<?> work) throws Exception {
        Writers.around(s, server, () -> {
            timed(s, work);
            return null;
        });
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
        b.append("Written by `bench/run --sizes ").append(sizesGb.stream().map(d -> d == Math.rint(d)
                        ? String.format("%.0f", d) : String.valueOf(d))
                .reduce((x, y) -> x + "," + y).orElse("")).append(" --runs ").append(runs)
                .append("` (org.backupscheduler.bench.ScaleCurve), ")
                .append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(ChronoUnit.SECONDS)))
                .append(". One sandbox grown size by size; ").append(runs)
                .append(runs == 1 ? " run" : " runs, medians shown,").append(" per size; page cache ")
                .append(dropCaches ? "dropped before every step" : "**not dropped** (not root)")
                .append(". Two writers beside the engine steps (and alone for 5 s before each run: the \"alone\" of "
                        + "the ratios), measured apart: InnoDB (shop.orders) and MyISAM (shop.audit, resting 5 ms between rounds; locked while any engine copies it: its stall is that lock). Datadir GB includes "
                        + "the primary's binary logs (written by the load): raw read and cp -a copy them, the engine does "
                        + "not; Copied GB is the bare engine's backup folder, and the engine rows' MB/s are of that. The "
                        + "fit is over the datadir size, in seconds per datadir GB.\n\n");
        double minLoad = Double.MAX_VALUE, maxLoad = 0;
        for (List<Row> rows : steps.values()) {
            for (Row r : rows) {
                minLoad = Math.min(minLoad, Math.min(r.loadBefore(), r.loadAfter()));
                maxLoad = Math.max(maxLoad, Math.max(r.loadBefore(), r.loadAfter()));
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        b.append(String.format("The 1-minute load average ranged %.2f to %.2f across the steps (column below; it counts "
                + "this benchmark's own server, writers and engine on the %d cores).%s%n%n", minLoad, maxLoad, cores,
                maxLoad > 2 * cores ? " **Taken under load**: other work shared the machine; absolute times are "
                        + "pessimistic and ratios taken in the same minute are the better signal." : ""));
        b.append("| Step | Datadir GB | Copied GB | Time (s) | MB/s (of copied) | InnoDB writer stall (s) | InnoDB rounds/s "
                + "| MyISAM writer stall (s) | MyISAM rounds/s | Load before / after | Notes |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (var e : steps.entrySet()) {
            for (Row r : medians(e.getValue())) {
                b.append("| ").append(e.getKey()).append(" | ")
                        .append(r.bytes() > 0 ? String.format("%.2f", gib(r)) : "").append(" | ")
                        .append(r.copied() > 0 ? String.format("%.2f", r.copied() / (1024.0 * 1024 * 1024)) : "").append(" | ")
                        .append(String.format("%.2f", r.seconds())).append(" | ")
                        .append(r.bytes() > 0 ? String.format("%.0f", (r.copied() > 0 ? r.copied() : r.bytes())
                                / 1048576.0 / r.seconds()) : "").append(" | ")
                        .append(fmt("%.2f", r.stall())).append(" | ").append(fmt("%.0f", r.writerRate())).append(" | ")
                        .append(fmt("%.2f", r.myisamStall())).append(" | ").append(fmt("%.0f", r.myisamRate())).append(" | ")
                        .append(String.format("%.2f / %.2f", r.loadBefore(), r.loadAfter())).append(" | ")
                        .append(r.note()).append(" |\n");
            }
        }
        b.append("\n### Fitted line (least squares over the sizes' medians): time = fixed + per-GB × size\n\n");
        b.append("| Step | Fixed (s) | Per GB (s) | Sizes |\n|---|---:|---:|---:|\n");
        Map<String, double[]> fits = new LinkedHashMap<>();
        for (var e : steps.entrySet()) {
            List<Row> m = medians(e.getValue());
            if (m.get(0).bytes() == 0 || m.size() < 2) {
                continue;
            }
            double[] f = fit(m);
            fits.put(e.getKey(), f);
            b.append("| ").append(e.getKey()).append(" | ").append(String.format("%.2f", f[0])).append(" | ")
                    .append(String.format("%.2f", f[1])).append(" | ").append(m.size()).append(" |\n");
        }
        b.append("\n### Ratios per size\n\n| Ratio | GB | Value | Target | Verdict |\n|---|---:|---:|---|---|\n");
        ratios(b, "backup run / bare mariabackup", OURS, BARE, 1.05);
        double[] ours = fits.get(OURS);
        double[] bare = fits.get(BARE);
        if (ours != null && bare != null && !Double.isNaN(ours[1]) && !Double.isNaN(bare[1])) {
            // [2.6] "fixed costs apart, reported separately": what grows with the data is the slope.
            double v = ours[1] / bare[1];
            b.append(String.format("| cost per GB (the fit's slope): backup run / bare mariabackup | all | %.2f | ≤ 1.05 | %s |%n",
                    v, verdictAtMost(v, 1.05)));
            b.append(String.format("| fixed cost (the fit's intercept): backup run − bare mariabackup (s) | all | %.2f | "
                    + "(reported apart) |  |%n", ours[0] - bare[0]));
            List<Row> n = medians(steps.get(OURS));
            List<Row> d = medians(steps.get(BARE));
            for (int i = 0; i < Math.min(n.size(), d.size()); i++) {
                double apart = (n.get(i).seconds() - (ours[0] - bare[0])) / d.get(i).seconds();
                b.append(String.format("| backup run without its extra fixed cost / bare mariabackup | %.2f | %.2f | ≤ 1.05 | %s |%n",
                        gib(n.get(i)), apart, verdictAtMost(apart, 1.05)));
            }
        }
        ratios(b, "backup run into s3 / bare mariabackup --stream > /dev/null", OURS_S3, BARE_STREAM, 1.05);
        Map<Double, Row> idleAt = new LinkedHashMap<>();
        medians(steps.get(IDLE)).forEach(r -> idleAt.put(r.sizeGb(), r));
        ratios(b, "backup run at engine.priority low / at normal", OURS_LOW, OURS, Double.NaN);
        for (String name : List.of(OURS, OURS_LOW, OURS_S3, BARE)) {
            for (Row r : medians(steps.getOrDefault(name, List.of()))) {
                Row idle = idleAt.get(r.sizeGb());
                double v = r.writerRate() / idle.writerRate();
                b.append(String.format("| InnoDB writer throughput during %s / alone | %.2f | %.2f | ≥ 0.8 | %s |%n", name,
                        gib(r), v, v >= 0.8 ? "met" : String.format("missed by %.0f %%", (1 - v / 0.8) * 100)));
                b.append(String.format("| longest InnoDB writer stall during %s (s) | %.2f | %.2f | ≤ 0.1 | %s |%n", name,
                        gib(r), r.stall(), verdictAtMost(r.stall(), 0.1)));
                b.append(String.format("| MyISAM writer: longest stall (s), throughput / alone, during %s | %.2f | %.2f, %.2f "
                        + "| (information: the MyISAM lock) |  |%n", name, gib(r), r.myisamStall(),
                        r.myisamRate() / idle.myisamRate()));
            }
        }
        if (!steps.containsKey(OURS_S3)) {
            b.append("\nThe stream path (backup run into s3 vs bare --stream) was not measured in this run.\n");
        }
        return b.toString();
    }

    static final String IDLE = "writer alone (5 s, no copy)";

    private static String fmt(String format, double v) {
        return Double.isNaN(v) ? "" : String.format(format, v);
    }

    private static String verdictAtMost(double v, double limit) {
        return v <= limit ? "met" : String.format("missed by %.0f %%", (v / limit - 1) * 100);
    }

    private static Row withCopied(Row r, long copied) {
        return new Row(r.sizeGb(), r.bytes(), copied, r.seconds(), r.stall(), r.writerRate(), r.myisamStall(),
                r.myisamRate(), r.loadBefore(), r.loadAfter(), r.note());
    }

    /**
     * One row per size: the median of each figure over that size's runs, the load range of all of
     * them, and the runs' times in the note when there were several.
     */
    static List<Row> medians(List<Row> rows) {
        Map<Double, List<Row>> bySize = new LinkedHashMap<>();
        for (Row r : rows) {
            bySize.computeIfAbsent(r.sizeGb(), k -> new ArrayList<>()).add(r);
        }
        List<Row> out = new ArrayList<>();
        for (List<Row> runs : bySize.values()) {
            Row f = runs.get(0);
            String note = f.note();
            if (runs.size() > 1) {
                note = (note.isEmpty() ? "" : note + "; ") + "median of " + runs.size() + " runs: "
                        + String.join(", ", runs.stream().map(r -> String.format("%.2f", r.seconds())).toList()) + " s";
            }
            out.add(new Row(f.sizeGb(), (long) med(runs, r -> (double) r.bytes()), (long) med(runs, r -> (double) r.copied()),
                    med(runs, Row::seconds), med(runs, Row::stall), med(runs, Row::writerRate), med(runs, Row::myisamStall),
                    med(runs, Row::myisamRate), runs.stream().mapToDouble(Row::loadBefore).min().orElse(Double.NaN),
                    runs.stream().mapToDouble(Row::loadAfter).max().orElse(Double.NaN), note));
        }
        return out;
    }

    private static double med(List<Row> rows, java.util.function.ToDoubleFunction<Row> f) {
        List<Double> v = rows.stream().map(r -> f.applyAsDouble(r)).filter(d -> !Double.isNaN(d)).toList();
        return v.isEmpty() ? Double.NaN : Benchmark.median(v);
    }

    private static double gib(Row r) {
        return r.bytes() / (1024.0 * 1024 * 1024);
    }

    private void ratios(StringBuilder b, String what, String num, String den, double limit) {
        List<Row> n = medians(steps.getOrDefault(num, List.of()));
        List<Row> d = medians(steps.getOrDefault(den, List.of()));
        for (int i = 0; i < Math.min(n.size(), d.size()); i++) {
            double v = n.get(i).seconds() / d.get(i).seconds();
            b.append(Double.isNaN(limit) ? String.format("| %s | %.2f | %.2f | (information) |  |%n", what, gib(n.get(i)), v)
                    : String.format("| %s | %.2f | %.2f | ≤ %.2f | %s |%n", what, gib(n.get(i)), v, limit,
                    verdictAtMost(v, limit)));
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf(format + "%n", args);
        System.out.flush();
    }
}
