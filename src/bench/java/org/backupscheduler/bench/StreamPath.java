package org.backupscheduler.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.catalog.BackupRecord;
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
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.Workload;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.Verifier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The stream path's rows ([2.2] Benchmark, [2.6] engine.priority), {@code bench/run --stream-path}:
 * a primary and a replica, S3Proxy on loopback, and, with one writer running on the primary:
 * <ul>
 * <li>the bare baseline — the engine's {@code --stream} uploaded by the SDK alone (64 MiB objects,
 * 4 at a time) — against {@code backup run} into s3
 * at {@code engine.priority: normal} and at {@code low}, with the writer's stall and throughput and
 * the peak size of state-dir + scratch sampled during the run;</li>
 * <li>verify (structure + checksum, read back from the store) against a bare parallel download of
 * the same objects;</li>
 * <li>{@code restore --latest --replica} from the store against download + extract + prepare + mv.</li>
 * </ul>
 * The backup rows run {@code --runs} times in alternating order (medians); the others once. The
 * machine may be shared: the load average is written beside each row.
 */
final class StreamPath {
    static final String SECTION = "## Stream path (S3)";
    private static final String BUCKET = "backups";
    private static final int PART = 64 * 1024 * 1024;
    private static final int PARALLEL = 4;

    private final double sizeGb;
    private final Path outFile;
    private boolean dropCaches;
    private final Map<String, Row> rows = new LinkedHashMap<>();

    record Row(double seconds, long bytes, double stall, double writerRate, double loadBefore, double loadAfter,
               String note) {
    }

    private final int runs;

    StreamPath(double sizeGb, int runs, Path outFile) {
        this.sizeGb = sizeGb;
        this.runs = runs;
        this.outFile = outFile;
    }

    void run() throws Exception {
        dropCaches = Files.isWritable(Path.of("/proc/sys/vm/drop_caches"));
        Path home = Files.createTempDirectory(Path.of("/tmp"), "bs-stream-");
        Instant started = Instant.now();
        say("stream path: %.1f GB, page cache %s, under %s", sizeGb, dropCaches ? "dropped" : "NOT dropped", home);
        try (ReplicationPair pair = ReplicationPair.start("sp", home);
             S3ProxyServer s3 = S3ProxyServer.start(home.resolve("s3"), BUCKET)) {
            SandboxServer server = pair.primary();
            Workload.load(server, 20_000);
            long size = Benchmark.fillTo(server, (long) (sizeGb * 1024 * 1024 * 1024));
            pair.awaitCaughtUp(Duration.ofMinutes(30));
            Path[] keys = s3.keyFiles(home, S3ProxyServer.SECRET_KEY);
            Path normal = config(home, pair, s3, keys, "normal");
            Path low = config(home, pair, s3, keys, "low");
            BackupConfig c = ConfigLoader.load(normal);
            Files.createDirectories(c.stateDir());
            Files.createDirectories(c.repository().scratch());
            Catalog.open(c.catalogUrl(), c.catalog().user(), null).close();
            EngineTool tool = EngineLocator.fromEnvironment().locate("auto");
            EngineCommands commands = new EngineCommands(tool);
            try (S3Client client = client(s3.endpoint())) {
                measureBackups(home, server, commands, client, normal, low, c, size);
                measureVerify(client, c, tool);
                measureRestore(home, pair, commands, client, normal);
            }
        } finally {
            PathUtils.deleteDirectory(home);
            say("removed %s", home);
        }
        String section = render(started);
        BenchDoc.writeSection(outFile, SECTION, section);
        say("wrote %s", outFile);
        System.out.print(section);
    }

    private static Path config(Path home, ReplicationPair pair, S3ProxyServer s3, Path[] keys, String priority)
            throws Exception {
        SandboxServer server = pair.primary();
        Path pw = Benchmark.backupAccount(home, server);
        Path replPw = home.resolve("repl.password");
        if (!Files.exists(replPw)) {
            Files.writeString(replPw, ReplicationPair.REPL_PASSWORD + "\n");
            Files.setPosixFilePermissions(replPw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        Path repo = home.resolve("repo");
        String yaml = (server.sourceConfigYaml("bench", repo, "backup", pw) + "verify:\n  after-backup: []\n"
                + pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()))
                .replace("repository: " + repo, "state-dir: " + home.resolve("state") + "\n"
                        + "repository:\n"
                        + "  url: s3://" + BUCKET + "/stream\n"
                        + "  s3: {endpoint: '" + s3.endpoint() + "', region: us-east-1, path-style: true,"
                        + " access-key-file: " + keys[0] + ", secret-key-file: " + keys[1] + "}\n"
                        + "  chunk-size: 64MiB\n  upload-parallel: " + PARALLEL + "\n"
                        + "  scratch: " + home.resolve("scratch"))
                .replace("  parallel: 2\n", "  parallel: 2\n  compress: none\n  priority: " + priority + "\n");
        Path file = home.resolve("backup-" + priority + ".yml");
        ConfigTrust.write(file, yaml);
        return file;
    }

    // ---- backup --------------------------------------------------------------------------

    private void measureBackups(Path home, SandboxServer server, EngineCommands commands, S3Client client, Path normal,
                                Path low, BackupConfig c, long size) throws Exception {
        Benchmark.Step idle = new Benchmark.Step("idle");
        double l0 = ScaleCurve.loadavg();
        withWriter(idle, server, () -> {
            Thread.sleep(5000);
            return null;
        });
        record(IDLE, idle, 0, l0, "");
        // Runs alternate the order (bare, normal, low; then low, normal, bare): on a shared machine
        // the load drifts, and a fixed order would charge the drift to one of them.
        for (int r = 0; r < runs; r++) {
            List<String> order = r % 2 == 0 ? List.of(BARE_UPLOAD, OURS_NORMAL, OURS_LOW)
                    : List.of(OURS_LOW, OURS_NORMAL, BARE_UPLOAD);
            for (String name : order) {
                if (name.equals(BARE_UPLOAD)) {
                    bareUploadStep(home, server, commands, client);
                } else {
                    oursStep(name, name.equals(OURS_NORMAL) ? normal : low, server, client, c);
                }
            }
        }
        for (String name : List.of(BARE_UPLOAD, OURS_NORMAL, OURS_LOW)) {
            List<Row> all = runsOf.get(name);
            List<Double> secs = all.stream().map(Row::seconds).toList();
            rows.put(name, new Row(Benchmark.median(secs), all.get(0).bytes(),
                    Benchmark.median(all.stream().map(Row::stall).toList()),
                    Benchmark.median(all.stream().map(Row::writerRate).toList()),
                    all.stream().mapToDouble(Row::loadBefore).min().orElse(Double.NaN),
                    all.stream().mapToDouble(Row::loadAfter).max().orElse(Double.NaN),
                    all.get(0).note() + "; median of " + all.size() + " run(s): " + secs.stream()
                            .map(v -> String.format("%.2f", v)).reduce((x, y) -> x + ", " + y).orElse("") + " s"));
        }
        rows.put(PEAK, new Row(Double.NaN, peakBytes, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                "state-dir + scratch, sampled every 50 ms (" + peakSamples + " samples) during every backup run "
                        + "above; chunks in flight are held in memory, not on disk"));
    }

    private final Map<String, List<Row>> runsOf = new LinkedHashMap<>();
    private long peakBytes;
    private long peakSamples;

    private void keepRun(String name) {
        runsOf.computeIfAbsent(name, k -> new ArrayList<>()).add(rows.remove(name));
    }

    private void bareUploadStep(Path home, SandboxServer server, EngineCommands commands, S3Client client)
            throws Exception {
        Path lsn = Files.createDirectories(home.resolve("bare-lsn"));
        try (CredentialsFile creds = CredentialsFile.write(server.rootEndpoint())) {
            List<String> argv = commands.streamedBackup(BackupRequest.full(home.resolve("bare-target"),
                    server.datadir(), 2), creds, lsn);
            AtomicLong uploaded = new AtomicLong();
            step(BARE_UPLOAD, server, 0, "engine --stream (--parallel=2 --log-copy-interval=10) cut into 64 MiB "
                    + "objects, 4 PUTs at a time by the SDK (no checksum, no manifest)", () -> {
                        uploaded.set(bareUpload(client, argv, home.resolve("bare-upload.log")));
                        return null;
                    });
            rows.put(BARE_UPLOAD, withBytes(rows.get(BARE_UPLOAD), uploaded.get()));
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("bare/")).contents()) {
                client.deleteObject(b -> b.bucket(BUCKET).key(o.key()));
            }
        }
        PathUtils.deleteDirectory(lsn);
        if (Files.exists(home.resolve("bare-target"))) {
            PathUtils.deleteDirectory(home.resolve("bare-target")); // the engine removes it when it succeeds
        }
        keepRun(BARE_UPLOAD);
    }

    private void oursStep(String name, Path config, SandboxServer server, S3Client client, BackupConfig c)
            throws Exception {
        DiskPeak peak = new DiskPeak(List.of(c.stateDir(), c.repository().scratch()));
        try (peak) {
            step(name, server, 0, "in-process CLI; chunk-size 64MiB, upload-parallel 4, no compression",
                    () -> cli(config, List.of(0), "run"));
        }
        rows.put(name, withBytes(rows.get(name), storedBytes(client, latestId(c))));
        // What the run added to the local folders (the catalog and earlier logs were there before).
        peakBytes = Math.max(peakBytes, peak.peak() - peak.base());
        peakSamples += peak.samples();
        keepRun(name);
    }

    /**
     * The engine's stdout cut into 64 MiB objects, 4 PUTs at a time: the SDK and nothing of ours.
     * Not one multipart object: S3Proxy's filesystem store assembles a multipart upload by copying
     * every part once more at completion (measured 43.9 and 77.2 s for 0.54 GB under load 25, vs
     * 24 s for our run), which would make the baseline the store's cost, not the upload's.
     */
    private static long bareUpload(S3Client client, List<String> argv, Path log) throws Exception {
        Process engine = new ProcessBuilder(argv).redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(PARALLEL);
        List<Future<?>> puts = new ArrayList<>();
        long total = 0;
        try (InputStream in = engine.getInputStream()) {
            for (int n = 0; ; n++) {
                byte[] buf = in.readNBytes(PART);
                if (buf.length == 0) {
                    break;
                }
                total += buf.length;
                String key = String.format("bare/stream/%08d", n);
                inFlight.acquire();
                puts.add(pool.submit(() -> {
                    try {
                        return client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(buf));
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Benchmark.check(engine.waitFor() == 0, "mariabackup --stream failed: see " + log);
        return total;
    }

    // ---- verify ------------------------------------------------------------------------------

    private void measureVerify(S3Client client, BackupConfig c, EngineTool tool) throws Exception {
        try (Catalog catalog = Catalog.open(c.catalogUrl(), null, null)) {
            Verifier verifier = new Verifier(c, catalog.backups(), tool, java.time.Clock.systemUTC());
            BackupRecord b = catalog.backups().list("bench", 1, 0).get(0);
            long bytes = storedBytes(client, b.id());
            step(VERIFY, null, bytes, "structure + checksum levels: every chunk read back from the store, CRC32C "
                    + "against the manifest", () -> {
                        Benchmark.check(verifier.verify(b, EnumSet.of(Level.STRUCTURE, Level.CHECKSUM)).valid(),
                                "verify failed on " + b.id());
                        return null;
                    });
            step(BARE_DOWNLOAD, null, bytes, "the same chunk objects, GET into nothing, 4 at a time", () -> {
                download(client, chunkKeys(client, b.id()), OutputStream.nullOutputStream());
                return null;
            });
            // restore takes only a VERIFIED backup: the prepare level (untimed) completes the set.
            Benchmark.check(verifier.verify(b, EnumSet.of(Level.STRUCTURE, Level.CHECKSUM, Level.PREPARE)).valid(),
                    "verify prepare failed on " + b.id());
        }
    }

    /** The objects' bodies in key order into {@code out}, fetched {@link #PARALLEL} ahead. */
    private static void download(S3Client client, List<String> keys, OutputStream out) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<byte[]>> ahead = new ArrayList<>();
            int next = 0;
            for (int i = 0; i < keys.size(); i++) {
                while (next < keys.size() && next < i + PARALLEL) {
                    String k = keys.get(next++);
                    ahead.add(pool.submit(() -> client.getObjectAsBytes(b -> b.bucket(BUCKET).key(k)).asByteArray()));
                }
                out.write(ahead.get(i).get());
                ahead.set(i, null);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- restore -----------------------------------------------------------------------------

    private void measureRestore(Path home, ReplicationPair pair, EngineCommands commands, S3Client client,
                                Path config) throws Exception {
        BackupConfig c = ConfigLoader.load(config);
        String id = latestId(c);
        long bytes = storedBytes(client, id);
        StringWriter out = new StringWriter();
        step(RESTORE, null, bytes, "the whole command: stream from the store, prepare, stop, move, start, "
                + "replication caught up", () -> cli(config, List.of(0), out, "restore", "--latest", "--replica", "r1"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  ([a-z-]+): .*\\(([0-9.]+)s\\)$")
                .matcher(out.toString());
        while (m.find()) {
            rows.put(RESTORE + ": " + m.group(1), new Row(Double.parseDouble(m.group(2)), 0, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, "as the command printed it"));
        }
        try (Stream<Path> aside = Files.list(pair.replica().datadir().getParent())) {
            for (Path p : aside.filter(p -> p.getFileName().toString().contains(".before-restore-")).toList()) {
                PathUtils.deleteDirectory(p);
            }
        }
        // The bare way: download into the extractor, prepare, move into place.
        Path work = Files.createDirectories(home.resolve("bare-restore"));
        step(BARE_FETCH, null, bytes, "chunk objects in order, 4 ahead, into mbstream -x", () -> {
            Process x = new ProcessBuilder(commands.extractStream(work)).redirectErrorStream(true)
                    .redirectOutput(home.resolve("mbstream.log").toFile()).start();
            try (OutputStream stdin = x.getOutputStream()) {
                download(client, chunkKeys(client, id), stdin);
            }
            Benchmark.check(x.waitFor() == 0, "mbstream -x failed: see " + home.resolve("mbstream.log"));
            return null;
        });
        step(BARE_PREPARE, null, bytes, "mariabackup --prepare of the extracted copy", () -> {
            ProcessResult r = new ProcessRunner(commands.prepare(work, null, false), home.resolve("prepare.log"),
                    Duration.ofHours(2)).run();
            Benchmark.check(r.succeeded(), "prepare failed: " + r.describe());
            return null;
        });
        Path target = home.resolve("bare-datadir");
        step(BARE_MOVE, null, bytes, "mv into place (same file system)", () -> {
            Files.move(work, target);
            return null;
        });
        PathUtils.deleteDirectory(target);
    }

    // ---- store ---------------------------------------------------------------------------------

    private static S3Client client(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(16))
                .build();
    }

    private static List<S3Object> objectsOf(S3Client client, String id) {
        return client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("stream/")).contents().stream()
                .filter(o -> o.key().contains("/" + id + "/")).toList();
    }

    private static List<String> chunkKeys(S3Client client, String id) {
        return objectsOf(client, id).stream().map(S3Object::key).filter(k -> k.contains("/chunks/")).sorted().toList();
    }

    private static long storedBytes(S3Client client, String id) {
        return objectsOf(client, id).stream().filter(o -> o.key().contains("/chunks/")).mapToLong(S3Object::size).sum();
    }

    private static String latestId(BackupConfig c) {
        try (Catalog catalog = Catalog.open(c.catalogUrl(), null, null)) {
            return catalog.backups().list("bench", 1, 0).get(0).id();
        }
    }

    /** The largest total size of some folders, sampled every 50 ms while open. */
    private static final class DiskPeak implements AutoCloseable {
        private final List<Path> dirs;
        private final long base;
        private volatile long peak;
        private volatile long samples;
        private volatile boolean done;
        private final Thread sampler;

        DiskPeak(List<Path> dirs) throws IOException {
            this.dirs = dirs;
            this.base = size();
            this.sampler = new Thread(() -> {
                while (!done) {
                    try {
                        peak = Math.max(peak, size());
                        samples++;
                        Thread.sleep(50);
                    } catch (IOException | java.io.UncheckedIOException e) {
                        // a file removed while walked: the next sample sees the rest
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "disk-peak");
            sampler.setDaemon(true);
            sampler.start();
        }

        private long size() throws IOException {
            long total = 0;
            for (Path d : dirs) {
                if (Files.exists(d)) {
                    total += Benchmark.dirSize(d);
                }
            }
            return total;
        }

        long peak() {
            return peak;
        }

        long base() {
            return base;
        }

        long samples() {
            return samples;
        }

        @Override
        public void close() throws InterruptedException {
            done = true;
            sampler.join();
        }
    }

    // ---- timing and rendering ----------------------------------------------------------------

    static final String IDLE = "writer alone (5 s, no copy)";
    static final String BARE_UPLOAD = "bare: engine --stream into SDK PutObject of 64 MiB pieces (writer running)";
    static final String PEAK = "peak local disk added during backup run into s3";
    static final String OURS_NORMAL = "backup run into s3, engine.priority normal (writer running)";
    static final String OURS_LOW = "backup run into s3, engine.priority low (writer running)";
    static final String VERIFY = "verify of the remote backup (structure + checksum)";
    static final String BARE_DOWNLOAD = "bare: download of its chunk objects (GET, 4 parallel)";
    static final String RESTORE = "restore --latest --replica r1 from s3";
    static final String BARE_FETCH = "bare: download into mbstream -x";
    static final String BARE_PREPARE = "bare: mariabackup --prepare";
    static final String BARE_MOVE = "bare: mv into place";

    private void step(String name, SandboxServer writerOn, long bytes, String note, Callable<?> work) throws Exception {
        if (dropCaches) {
            Benchmark.run(null, "sync");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
        }
        double before = ScaleCurve.loadavg();
        Benchmark.Step s = new Benchmark.Step(name);
        if (writerOn != null) {
            withWriter(s, writerOn, work);
        } else {
            long t0 = System.nanoTime();
            work.call();
            s.seconds.add((System.nanoTime() - t0) / 1e9);
        }
        say("  %-70s %7.2f s (load %.2f)", name, s.seconds.get(0), ScaleCurve.loadavg());
        rows.put(name, new Row(s.seconds.get(0), bytes, s.stalls.isEmpty() ? Double.NaN : s.stalls.get(0),
                s.writerRates.isEmpty() ? Double.NaN : s.writerRates.get(0), before, ScaleCurve.loadavg(), note));
    }

    private void record(String name, Benchmark.Step s, long bytes, double before, String note) throws IOException {
        rows.put(name, new Row(s.seconds.get(0), bytes, s.stalls.get(0), s.writerRates.get(0), before,
                ScaleCurve.loadavg(), note));
    }

    private static void withWriter(Benchmark.Step s, SandboxServer server, Callable<?> work) throws Exception {
        s.seconds.add(Writers.around(s, server, work));
    }

    private static Row withBytes(Row r, long bytes) {
        return new Row(r.seconds(), bytes, r.stall(), r.writerRate(), r.loadBefore(), r.loadAfter(), r.note());
    }

    private static Void cli(Path config, List<Integer> codes, String... args) {
        return cli(config, codes, new StringWriter(), args);
    }

    private static Void cli(Path config, List<Integer> codes, StringWriter out, String... args) {
        var cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> argv = new ArrayList<>(List.of("--config", config.toString()));
        argv.addAll(List.of(args));
        int code = cl.execute(argv.toArray(String[]::new));
        Benchmark.check(codes.contains(code), String.join(" ", args) + " exited " + code + ": " + err);
        return null;
    }

    private double sec(String name) {
        Row r = rows.get(name);
        return r == null ? Double.NaN : r.seconds();
    }

    private String render(Instant started) {
        StringBuilder b = new StringBuilder();
        b.append(SECTION).append("\n\n");
        b.append("Written by `bench/run --stream-path --size-gb ").append(String.format("%.0f", sizeGb))
                .append(" --runs ").append(runs)
                .append("` (org.backupscheduler.bench.StreamPath), ")
                .append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(ChronoUnit.SECONDS)))
                .append(". A primary and a replica; S3Proxy on loopback (a second JVM on the same 2 cores, storing to "
                        + "the same disk); one writer on the primary during the backup rows (their runs alternate the order: medians shown); "
                        + "one run of the other rows; page "
                        + "cache ").append(dropCaches ? "dropped before every row" : "**not dropped** (not root)")
                .append(". MB/s are of the bytes stored (the stream).\n\n");
        double minLoad = Double.MAX_VALUE, maxLoad = 0;
        for (Row r : rows.values()) {
            if (!Double.isNaN(r.loadBefore())) {
                minLoad = Math.min(minLoad, Math.min(r.loadBefore(), r.loadAfter()));
                maxLoad = Math.max(maxLoad, Math.max(r.loadBefore(), r.loadAfter()));
            }
        }
        b.append(String.format("**Taken under load**: other sessions' builds and tests shared the machine (%d cores); "
                + "the 1-minute load average ranged %.2f to %.2f across the rows (column below). Every figure here "
                + "is from that run: absolute times are pessimistic and noisy; ratios of neighbouring rows are the "
                + "better signal, and none of them is a measurement on a quiet machine.%n%n",
                Runtime.getRuntime().availableProcessors(), minLoad, maxLoad));
        b.append("| Step | Time (s) | MB | MB/s | InnoDB writer stall (s) | InnoDB writer rounds/s | Load before / after | Notes |\n");
        b.append("|---|---:|---:|---:|---:|---:|---|---|\n");
        for (var e : rows.entrySet()) {
            Row r = e.getValue();
            b.append("| ").append(e.getKey()).append(" | ")
                    .append(Double.isNaN(r.seconds()) ? "" : String.format("%.2f", r.seconds())).append(" | ")
                    .append(r.bytes() > 0 ? String.format("%.1f", r.bytes() / 1048576.0) : "").append(" | ")
                    .append(r.bytes() > 0 && !Double.isNaN(r.seconds())
                            ? String.format("%.0f", r.bytes() / 1048576.0 / r.seconds()) : "").append(" | ")
                    .append(Double.isNaN(r.stall()) ? "" : String.format("%.2f", r.stall())).append(" | ")
                    .append(Double.isNaN(r.writerRate()) ? "" : String.format("%.0f", r.writerRate())).append(" | ")
                    .append(Double.isNaN(r.loadBefore()) ? "" : String.format("%.2f / %.2f", r.loadBefore(),
                            r.loadAfter())).append(" | ")
                    .append(r.note()).append(" |\n");
        }
        b.append("\n| Ratio | Value | Target | Verdict |\n|---|---:|---|---|\n");
        atMost(b, "backup run into s3 (normal) / bare SDK upload of the stream", sec(OURS_NORMAL) / sec(BARE_UPLOAD), 1.10);
        atMost(b, "backup run into s3 (low) / bare SDK upload of the stream", sec(OURS_LOW) / sec(BARE_UPLOAD), 1.10);
        double verifyRate = rows.get(VERIFY).bytes() / sec(VERIFY);
        double downloadRate = rows.get(BARE_DOWNLOAD).bytes() / sec(BARE_DOWNLOAD);
        atLeast(b, "verify MB/s / bare download MB/s", verifyRate / downloadRate, 0.8);
        double bareRestore = sec(BARE_FETCH) + sec(BARE_PREPARE) + sec(BARE_MOVE);
        atMost(b, "restore from s3 / (download + prepare + move)", sec(RESTORE) / bareRestore, 1.2);
        double own = sec(RESTORE) - sec(RESTORE + ": stop") - sec(RESTORE + ": start") - sec(RESTORE + ": catch-up");
        if (!Double.isNaN(own)) {
            atMost(b, "restore from s3 without the replica's stop, start, catch-up / (download + prepare + move)",
                    own / bareRestore, 1.2);
        }
        long bound = (long) PART * (PARALLEL + 1);
        Row peak = rows.get(PEAK);
        if (peak != null) {
            b.append(String.format("| %s (MB) | %.1f | ≤ chunk-size × (upload-parallel + 1) = %.0f | %s |%n", PEAK,
                    peak.bytes() / 1048576.0, bound / 1048576.0, peak.bytes() <= bound ? "met"
                            : String.format("missed by %.0f %%", (peak.bytes() / (double) bound - 1) * 100)));
        }
        Row idle = rows.get(IDLE);
        for (String name : List.of(BARE_UPLOAD, OURS_NORMAL, OURS_LOW)) {
            Row r = rows.get(name);
            double v = r.writerRate() / idle.writerRate();
            atLeast(b, "writer throughput during " + name + " / alone", v, 0.8);
            atMost(b, "longest writer stall during " + name + " (s)", r.stall(), 0.1);
        }
        return b.toString();
    }

    private static void atMost(StringBuilder b, String what, double v, double limit) {
        b.append(String.format("| %s | %.2f | ≤ %.2f | %s |%n", what, v, limit, Double.isNaN(v) ? "not measured"
                : v <= limit ? "met" : String.format("missed by %.0f %%", (v / limit - 1) * 100)));
    }

    private static void atLeast(StringBuilder b, String what, double v, double limit) {
        b.append(String.format("| %s | %.2f | ≥ %.2f | %s |%n", what, v, limit, Double.isNaN(v) ? "not measured"
                : v >= limit ? "met" : String.format("missed by %.0f %%", (1 - v / limit) * 100)));
    }

    private static String mb(long bytes) {
        return String.format("%.0f MB", bytes / 1048576.0);
    }

    private static void say(String format, Object... args) {
        System.out.printf(format + "%n", args);
        System.out.flush();
    }
}
