package org.backupscheduler.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.backup.FileChecksums;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.cli.Main;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineLocator;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.sandbox.BackupAccount;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.Workload;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.Verifier;

/**
 * The speed benchmark (run by hand through {@code bench/run}, never by {@code mvn verify}): one
 * sandbox of N GB, every way of copying it side by side, medians over several runs written to
 * docs/benchmarks.md. Everything it creates lives under one /tmp directory removed at the end.
 */
public final class Benchmark {
    private double sizeGb = 1.0;
    private int runs = 3;
    private boolean quick;
    /** How long the daemon's memory is watched; 0: the mode's default (6 min, 2 with --quick). */
    private int daemonMinutes;
    private Path outFile = Path.of("docs/benchmarks.md");
    private boolean dropCaches;
    private List<Double> sizes;
    private boolean s3 = true;
    private boolean streamPath;
    private boolean fleetCatalog;
    private boolean mariadb = true;
    private Path reuse;
    private final Map<String, Step> steps = new LinkedHashMap<>();

    /** One measured step: seconds per run, and the writers' figures when they ran beside it ({@link Writers}). */
    static final class Step {
        final String name;
        final List<Double> seconds = new ArrayList<>();
        /** The InnoDB writer's longest round (s) and rounds per second. */
        final List<Double> stalls = new ArrayList<>();
        final List<Double> writerRates = new ArrayList<>();
        /** The MyISAM writer's longest round (s) and rounds per second. */
        final List<Double> myisamStalls = new ArrayList<>();
        final List<Double> myisamRates = new ArrayList<>();
        long bytes;
        String note = "";
        /** Only for the daemon step: the highest VmHWM seen, in MB. */
        double peakRssMb;

        Step(String name) {
            this.name = name;
        }
    }

    /** Parses the options and runs; returns the exit code (BenchMain exits with it). */
    public static int run(String[] args) throws Exception {
        Benchmark b = new Benchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-gb" -> b.sizeGb = Double.parseDouble(args[++i]);
                case "--runs" -> b.runs = Integer.parseInt(args[++i]);
                case "--quick" -> b.quick = true;
                case "--daemon-minutes" -> b.daemonMinutes = Integer.parseInt(args[++i]);
                case "--out" -> b.outFile = Path.of(args[++i]);
                case "--sizes" -> b.sizes = java.util.Arrays.stream(args[++i].split(",")).map(Double::parseDouble).toList();
                case "--no-s3" -> b.s3 = false;
                case "--stream-path" -> b.streamPath = true;
                case "--fleet-catalog" -> b.fleetCatalog = true;
                case "--no-mariadb" -> b.mariadb = false;
                case "--reuse" -> b.reuse = Path.of(args[++i]);
                default -> {
                    System.err.println("error: unknown option " + args[i]);
                    System.err.println("HINT: bench/run [--size-gb N] [--runs N] [--quick] [--daemon-minutes N] [--out FILE] | --sizes 1,4,16 [--runs N] [--no-s3] [--out FILE]"
                            + " | --stream-path [--size-gb N] [--runs N] [--out FILE] | --fleet-catalog [--runs N] [--no-mariadb] [--reuse DIR] [--out FILE]");
                    return 2;
                }
            }
        }
        if (b.streamPath) {
            // [2.2]'s rows and engine.priority: its own section of the same file.
            new StreamPath(b.sizeGb, b.runs, b.outFile).run();
            return 0;
        }
        if (b.fleetCatalog) {
            new FleetCatalog(b.outFile, b.runs, b.mariadb, b.reuse).run();
            return 0;
        }
        if (b.sizes != null) {
            // The scale curve: its own section of the same file, the 1 GB table above it kept.
            new ScaleCurve(b.sizes, b.outFile, b.s3, b.runs).run();
            return 0;
        }
        if (b.quick) {
            b.sizeGb = 0.2;
            b.runs = 1;
        }
        b.run();
        return 0;
    }

    private void run() throws Exception {
        dropCaches = Files.isWritable(Path.of("/proc/sys/vm/drop_caches"));
        Path home = Files.createTempDirectory(Path.of("/tmp"), "bs-bench-");
        Instant started = Instant.now();
        say("benchmark: %.2f GB, %d run(s), page cache %s, under %s", sizeGb, runs,
                dropCaches ? "dropped before each read" : "NOT dropped (not root)", home);
        // A primary with a replica, as in production: the replica is what `restore --latest` rebuilds.
        try (ReplicationPair pair = ReplicationPair.start("bench", home)) {
            SandboxServer server = pair.primary();
            long size = fill(server);
            pair.awaitCaughtUp(Duration.ofMinutes(30));
            Path config = writeConfig(home, pair);
            EngineTool tool = EngineLocator.fromEnvironment().locate("auto");
            // Create the catalog (Flyway migrate) before timing, so `backup run` is not charged for it.
            BackupConfig c = ConfigLoader.load(config);
            Files.createDirectories(home.resolve("repo"));
            Catalog.open(c.catalogUrl(), c.catalog().user(), null).close();
            idleWriter(server);
            for (int r = 1; r <= runs; r++) {
                say("run %d of %d", r, runs);
                measureRun(home, pair, tool, config, size, r);
            }
            new DaemonMemory(home, server, Duration.ofMinutes(daemonMinutes > 0 ? daemonMinutes : quick ? 2 : 6))
                    .measure(steps.computeIfAbsent(DaemonMemory.STEP, Step::new));
            measureList(home, config);
        } finally {
            PathUtils.deleteDirectory(home);
            say("removed %s", home);
        }
        String doc = render(started);
        // The sections other modes write (stream path, fleet catalog, scale curve) stay below ours.
        if (Files.exists(outFile)) {
            String old = Files.readString(outFile);
            int keep = old.length();
            for (String section : List.of(StreamPath.SECTION, FleetCatalog.SECTION, ScaleCurve.SECTION)) {
                int at = old.indexOf(section);
                keep = at >= 0 ? Math.min(keep, at) : keep;
            }
            doc = (doc.endsWith("\n\n") ? doc : doc + "\n") + old.substring(keep);
        }
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        Files.writeString(outFile, doc);
        say("wrote %s", outFile);
        System.out.print(doc);
    }

    // ---- data ------------------------------------------------------------------------------

    /** InnoDB + MyISAM tables from Workload, then an InnoDB filler doubled until the datadir is big enough. */
    private long fill(SandboxServer server) throws SQLException, IOException {
        say("loading data into %s", server.datadir());
        Workload.load(server, 20_000);
        return fillTo(server, (long) (sizeGb * 1024 * 1024 * 1024));
    }

    /**
     * Grows shop.filler (created on first call) until the datadir holds {@code target} bytes; called
     * again with a larger target it adds to what is there (the scale curve grows one sandbox).
     */
    static long fillTo(SandboxServer server, long target) throws SQLException, IOException {
        if (org.backupscheduler.sandbox.SqlValues.count(server,
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='shop' AND table_name='filler'") == 0) {
            server.execute("CREATE TABLE shop.filler (id BIGINT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(2000)) ENGINE=InnoDB",
                    "INSERT INTO shop.filler (pad) SELECT REPEAT(MD5(seq), 60) FROM shop.seq_1_to_10000");
        }
        long size = dirSize(server.datadir());
        while (size < target) {
            long rows = org.backupscheduler.sandbox.SqlValues.count(server, "SELECT COUNT(*) FROM shop.filler");
            long perRow = Math.max(1, size / Math.max(1, rows));
            long need = Math.min(rows, Math.max(1000, (target - size) / perRow));
            server.execute("INSERT INTO shop.filler (pad) SELECT pad FROM shop.filler LIMIT " + need);
            size = dirSize(server.datadir());
            say("  datadir %s", mb(size));
        }
        server.execute("FLUSH TABLES");
        return dirSize(server.datadir());
    }

    private Path writeConfig(Path home, ReplicationPair pair) throws IOException, SQLException {
        SandboxServer server = pair.primary();
        Path pw = backupAccount(home, server);
        Path replPw = secretFile(home.resolve("repl.password"), ReplicationPair.REPL_PASSWORD);
        Path config = home.resolve("backup.yml");
        // Verification is timed level by level below, not inside `backup run`.
        // A state-dir, as an installed host has (/var/lib/backup-scheduler): the engine's version is kept there.
        Files.createDirectories(home.resolve("state"));
        ConfigTrust.write(config, server.sourceConfigYaml("bench", home.resolve("repo"), "backup", pw)
                + "verify:\n  after-backup: []\n" + "state-dir: " + home.resolve("state") + "\n"
                + pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()));
        return config;
    }

    /** The backup account with a random password in a 0600 file (created once, reused by the daemon step). */
    static Path backupAccount(Path home, SandboxServer server) throws IOException, SQLException {
        Path pw = home.resolve("backup.password");
        if (Files.exists(pw)) {
            return pw;
        }
        String password = Long.toHexString(new java.security.SecureRandom().nextLong());
        BackupAccount.create(server, "backup", password);
        return secretFile(pw, password);
    }

    private static Path secretFile(Path file, String secret) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n");
        return file;
    }

    // ---- one run ---------------------------------------------------------------------------

    private void idleWriter(SandboxServer server) throws Exception {
        say("writer alone for 5 s (its idle throughput)");
        Step s = step("writer alone (5 s, no copy)");
        timedWithWriter(s, server, () -> {
            Thread.sleep(5000);
            return null;
        });
    }

    private void measureRun(Path home, ReplicationPair pair, EngineTool tool, Path config, long size, int r)
            throws Exception {
        SandboxServer server = pair.primary();
        Path datadir = server.datadir();
        Step read = step("raw read of the datadir (cat > /dev/null)");
        read.bytes = size;
        dropCaches();
        timed(read, () -> run(null, "find", datadir.toString(), "-type", "f", "-exec", "cat", "{}", "+"));

        Step cp = step("cp -a of the datadir");
        cp.bytes = size;
        Path cpDir = home.resolve("cp-" + r);
        dropCaches();
        timed(cp, () -> run(null, "cp", "-a", datadir.toString(), cpDir.toString()));
        PathUtils.deleteDirectory(cpDir);

        Step bare = step("bare mariabackup --backup (writer running)");
        bare.bytes = size;
        Path bareDir = home.resolve("bare-" + r);
        dropCaches();
        EngineCommands commands = new EngineCommands(tool);
        BackupRequest request = BackupRequest.full(bareDir, datadir, 2);
        try (CredentialsFile creds = CredentialsFile.write(
                new Endpoint("127.0.0.1", server.port(), server.socket().toString(), "root", ""))) {
            timedWithWriter(bare, server, () -> {
                ProcessResult res = new ProcessRunner(commands.backup(request, creds), home.resolve("bare.log"),
                        Duration.ofHours(2)).run();
                check(res.succeeded(), "mariabackup --backup failed: " + ProcessRunner.tail(home.resolve("bare.log"), 5));
                return null;
            });
        }
        bare.note = "same options as `backup run`: --parallel=2 --log-copy-interval=10";

        Step ours = step("backup run (writer running)");
        ours.bytes = size;
        dropCaches();
        timedWithWriter(ours, server, () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute("--config", config.toString(), "run");
            check(code == 0, "backup run exited " + code + ": " + err);
            return null;
        });
        ours.note = "in-process CLI on an existing catalog; includes the manifest (CRC32C of every file); "
                + "verification excluded (timed per level below)";
        measureVerifyLevels(config);

        Step hot = step("mariadb-hotcopy of shop (writer running)");
        Path hotDir = home.resolve("hot-" + r);
        Files.createDirectories(hotDir);
        dropCaches();
        timedWithWriter(hot, server, () -> run(home.resolve("hotcopy.log"), "mariadb-hotcopy",
                "--socket=" + server.socket(), "--user=root", "shop", hotDir.toString()));
        hot.bytes = dirSize(hotDir);
        hot.note = "copies the shop schema only (all the data here); locks the tables for the whole copy";
        PathUtils.deleteDirectory(hotDir);
        if (r == 1) {
            measureDump(home, server, size);
        }

        Step sumRead = step("raw read of the backup (cat > /dev/null)");
        long backupSize = dirSize(bareDir);
        sumRead.bytes = backupSize;
        dropCaches();
        timed(sumRead, () -> run(null, "find", bareDir.toString(), "-type", "f", "-exec", "cat", "{}", "+"));
        Step sums = step("checksum verification (FileChecksums.scan, CRC32C)");
        sums.bytes = backupSize;
        dropCaches();
        timed(sums, () -> FileChecksums.scan(bareDir, b -> { }));

        Step prep = step("prepare (mariabackup --prepare of a copy)");
        prep.bytes = backupSize;
        Path scratch = home.resolve("prep-" + r);
        run(null, "cp", "-a", bareDir.toString(), scratch.toString());
        dropCaches();
        timed(prep, () -> {
            ProcessResult res = new ProcessRunner(commands.prepare(scratch, null, false), home.resolve("prepare.log"),
                    Duration.ofHours(2)).run();
            check(res.succeeded(), "prepare failed: " + ProcessRunner.tail(home.resolve("prepare.log"), 5));
            return null;
        });
        Step cpBack = step("cp -a of the prepared backup (restore copy)");
        cpBack.bytes = dirSize(scratch);
        Path target = home.resolve("restored-" + r);
        dropCaches();
        timed(cpBack, () -> run(null, "cp", "-a", scratch.toString(), target.toString()));
        Step baseline = step("prepare + cp (baseline for restore)");
        baseline.bytes = backupSize;
        baseline.seconds.add(prep.seconds.get(prep.seconds.size() - 1) + cpBack.seconds.get(cpBack.seconds.size() - 1));

        measureRestore(pair, config);
        for (Path p : List.of(bareDir, scratch, target, home.resolve("repo").resolve("bench"))) {
            if (Files.exists(p)) {
                PathUtils.deleteDirectory(p);
            }
        }
    }

    static final String DUMP = "mariadb-dump --single-transaction of shop (writer running)";
    static final String DUMP_LOAD = "load of that dump into an empty server (mariadb < dump)";

    /**
     * What many users do instead of a physical backup ([2.6] "why not a dump"): a logical dump of
     * the same data with the writers running, and its load into an empty server of ours. Once
     * (the first run): the load rebuilds every row and index and is the slow half.
     */
    private void measureDump(Path home, SandboxServer server, long size) throws Exception {
        Path dumpFile = home.resolve("shop.sql");
        Step dump = step(DUMP);
        dump.bytes = size;
        dropCaches();
        timedWithWriter(dump, server, () -> run(home.resolve("dump.log"), "mariadb-dump", "--socket=" + server.socket(),
                "--user=root", "--single-transaction", "--quick", "--databases", "shop", "--result-file=" + dumpFile));
        dump.note = String.format("a %.0f MB SQL file; InnoDB consistent, MyISAM shop.audit not (no lock taken)",
                Files.size(dumpFile) / 1048576.0);
        Step load = step(DUMP_LOAD);
        load.bytes = size;
        try (SandboxServer empty = SandboxServer.start(SandboxOptions.primary("dumpload").under(home))) {
            dropCaches();
            timed(load, () -> {
                Process p = new ProcessBuilder("mariadb", "--socket=" + empty.socket(), "--user=root")
                        .redirectInput(dumpFile.toFile()).redirectErrorStream(true)
                        .redirectOutput(home.resolve("load.log").toFile()).start();
                check(p.waitFor() == 0, "mariadb < dump failed: " + ProcessRunner.tail(home.resolve("load.log"), 5));
                return null;
            });
        }
        load.note = "a fresh sandbox server (its own defaults; binary log on), one client session";
        Files.delete(dumpFile);
    }

    /**
     * `restore --latest` of the replica from the backup just verified: the whole command a DBA
     * runs (re-check of the checksums, stop, move aside, prepare, move back, start, replication
     * caught up), against the prepare + cp of the same backup.
     */
    private void measureRestore(ReplicationPair pair, Path config) throws Exception {
        Step st = step(RESTORE);
        st.note = "includes the copy (checksums taken as it passes) and prepare before the stop, stop and start of "
                + "the replica and the wait for replication";
        dropCaches();
        StringWriter out = new StringWriter();
        timed(st, () -> cli(config, List.of(0), out, "restore", "--latest", "--replica", "r1"));
        // Its steps as the command printed them ("  stop: stopped (1.0s)"): where the time goes.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  ([a-z-]+): .*\\(([0-9.]+)s\\)$")
                .matcher(out.toString());
        while (m.find()) {
            step(RESTORE + ": " + m.group(1)).seconds.add(Double.parseDouble(m.group(2)));
        }
        // The moved-aside datadir is this harness's own throw-away copy: drop it to keep the disk free.
        try (Stream<Path> aside = Files.list(pair.replica().datadir().getParent())) {
            for (Path p : aside.filter(p -> p.getFileName().toString().contains(".before-restore-")).toList()) {
                PathUtils.deleteDirectory(p);
            }
        }
    }

    static final String RESTORE = "restore --latest of the replica";

    /** Each verification level on its own, on the backup `backup run` just took. */
    private void measureVerifyLevels(Path config) throws Exception {
        BackupConfig c = ConfigLoader.load(config);
        try (Catalog catalog = Catalog.open(c.catalogUrl(), null, null)) {
            EngineTool tool = EngineLocator.fromEnvironment().locate(c.engine().tool());
            Verifier verifier = new Verifier(c, catalog.backups(), tool, java.time.Clock.systemUTC());
            for (Level level : Level.values()) {
                Step st = step("verify " + level.word());
                st.note = switch (level) {
                    case STRUCTURE -> "engine files, folders, non-empty files";
                    case CHECKSUM -> "CRC32C of every file against the manifest";
                    case PREPARE -> "copy to scratch + mariabackup --prepare";
                    case DEEP -> "prepare + throw-away server + CHECK TABLE on every table: the restore drill";
                };
                dropCaches();
                timed(st, () -> {
                    BackupRecord b = catalog.backups().list("bench", 1, 0).get(0);
                    check(verifier.verify(b, java.util.EnumSet.of(level)).valid(), "verify " + level.word()
                            + " failed on " + b.id());
                    return null;
                });
            }
        }
    }

    // ---- catalog ---------------------------------------------------------------------------

    private void measureList(Path home, Path config) throws Exception {
        BackupConfig c = ConfigLoader.load(config);
        say("catalog: inserting 100k backups (10 instances x 365 days x 24 hourly runs, capped)");
        Path repo = home.resolve("repo");
        Files.createDirectories(repo);
        long t0 = System.nanoTime();
        try (Catalog catalog = Catalog.open(c.catalogUrl(), c.catalog().user(), null)) {
            ProcessIdentity owner = ProcessIdentity.current();
            // Ten thousand hourly runs per instance, ending now: the report's year-long window is full.
            Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(10_000));
            List<BackupRecord> batch = new ArrayList<>();
            var engine = new BackupRecord.Engine("mariabackup", "10.11");
            var source = new BackupRecord.Source("127.0.0.1:3307", null);
            int total = 0;
            for (int inst = 0; inst < 10 && total < 100_000; inst++) {
                String instance = inst == 0 ? "bench" : "bench-" + inst;
                for (int h = 0; h < 10_000; h++) {
                    Instant at = start.plus(Duration.ofHours(h));
                    String id = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(at);
                    batch.add(BackupRecord.running(instance, id, BackupType.FULL, null, at, engine, source,
                            repo.resolve(instance).resolve(id).toString())
                            .completed(BackupStatus.VERIFIED, at.plusSeconds(30),
                                    new BackupRecord.Contents(1_100_000_000L, 420),
                                    new BackupRecord.Lsns(1000L + h, 2000L + h),
                                    new Coordinates("mysql-bin.000001", 4L + h, "0-1-" + h), 1L, null));
                    total++;
                    if (batch.size() == 5000) {
                        catalog.backups().insertBatch(batch, owner);
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                catalog.backups().insertBatch(batch, owner);
            }
        }
        say("  inserted in %.1f s", (System.nanoTime() - t0) / 1e9);
        for (int r = 0; r < Math.max(3, runs); r++) {
            for (String format : List.of("text", "json", "html")) {
                // The widest window (366 days, ~8,800 rows of this instance); exit 3 is allowed: the
                // fake rows' paths do not exist, and the verdict may say so.
                timed(step(REPORT + " --format " + format), () -> cli(config, List.of(0, 3), "report", "--format",
                        format, "--days", "366", "--output", home.resolve("report." + format).toString()));
            }
            timed(step("list --limit 50 (100k backups in the catalog)"), () -> cli(config, "list", "--limit", "50"));
            timed(step("list --limit 50 --offset 9000 (deepest page of one instance's 10k)"),
                    () -> cli(config, "list", "--limit", "50", "--offset", "9000"));
            timed(step("list --limit 50 --offset 90000 (past the end of one instance)"),
                    () -> cli(config, "list", "--limit", "50", "--offset", "90000"));
        }
    }

    static final String REPORT = "report at 100k backups (366 days)";

    private static Void cli(Path config, String... args) {
        return cli(config, List.of(0), args);
    }

    private static Void cli(Path config, List<Integer> codes, String... args) {
        return cli(config, codes, new StringWriter(), args);
    }

    private static Void cli(Path config, List<Integer> codes, StringWriter out, String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        var cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(all.toArray(String[]::new));
        check(codes.contains(code), String.join(" ", args) + " exited " + code + ": " + err);
        return null;
    }

    // ---- timing ----------------------------------------------------------------------------

    private Step step(String name) {
        return steps.computeIfAbsent(name, Step::new);
    }

    private void timed(Step s, Callable<?> work) throws Exception {
        long t0 = System.nanoTime();
        work.call();
        double secs = (System.nanoTime() - t0) / 1e9;
        s.seconds.add(secs);
        say("  %-62s %7.2f s", s.name, secs);
    }

    /** Runs {@code work} with the writers beside it ({@link Writers}). */
    private void timedWithWriter(Step s, SandboxServer server, Callable<?> work) throws Exception {
        Writers.around(s, server, () -> {
            timed(s, work);
            return null;
        });
    }

    private void dropCaches() throws IOException, InterruptedException {
        if (dropCaches) {
            run(null, "sync");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
        }
    }

    /** Runs argv (a list, never a shell string); output to {@code log}, or discarded when null. */
    static Void run(Path log, String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        int code = pb.start().waitFor();
        check(code == 0, "exit " + code + ": " + String.join(" ", argv));
        return null;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    static long dirSize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    // ---- report ----------------------------------------------------------------------------

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private double med(String name) {
        Step s = steps.get(name);
        return s == null ? Double.NaN : median(s.seconds);
    }

    /**
     * What `restore --latest` costs beyond the bare work (prepare + cp of the same backup) and the
     * replica's own stop, start and catch-up, as a share of that work: the steps' times as the
     * command printed them. NaN when a step row is missing (a restore that did not run).
     */
    private double restoreOverhead() {
        double baseline = med("prepare + cp (baseline for restore)");
        double server = 0;
        for (String part : List.of("stop", "start", "replication", "catch-up")) {
            Step s = steps.get(RESTORE + ": " + part);
            server += s == null ? 0 : median(s.seconds);
        }
        return (med(RESTORE) - server - baseline) / baseline;
    }

    private String render(Instant started) throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks\n\n");
        b.append("Written by `bench/run").append(quick ? " --quick" : "").append("` (org.backupscheduler.bench.Benchmark). ")
                .append("Do not edit by hand: rerun it on a quiet machine.\n\n");
        b.append("- Date: ").append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))).append('\n');
        b.append("- Machine: ").append(machine()).append('\n');
        b.append(String.format("- Data: %.2f GB requested (InnoDB shop.orders and shop.filler, MyISAM shop.audit); %d run(s), medians shown%n",
                sizeGb, runs));
        b.append("- Page cache: ").append(dropCaches ? "dropped (`sync; echo 3 > /proc/sys/vm/drop_caches`) before every read or copy"
                : "**not dropped** (not run as root): reads may come from memory").append('\n');
        b.append("- Writers: one connection looping INSERT into shop.orders (InnoDB), another into shop.audit (MyISAM, "
                + "resting 5 ms between rounds), measured apart; stall = longest round, throughput = rounds/s during the step. MyISAM tables are "
                + "locked while any engine copies them: the MyISAM stall is that lock\n");
        if (quick) {
            b.append("- **Quick mode** (~200 MB, 1 run): a smoke test of the harness, not a measurement; "
                    + "run `bench/run` (1 GB, 3 runs) on a quiet machine for real figures.\n");
        }
        b.append("\n| Step | Median (s) | MB/s | InnoDB writer: longest stall (s) | InnoDB rounds/s | MyISAM writer: "
                + "longest stall (s) | MyISAM rounds/s | Notes |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Step s : steps.values()) {
            double m = median(s.seconds);
            b.append("| ").append(s.name).append(" | ").append(String.format("%.2f", m)).append(" | ")
                    .append(s.bytes > 0 ? String.format("%.0f", s.bytes / 1048576.0 / m) : "").append(" | ")
                    .append(s.stalls.isEmpty() ? "" : String.format("%.2f", median(s.stalls))).append(" | ")
                    .append(s.writerRates.isEmpty() ? "" : String.format("%.0f", median(s.writerRates))).append(" | ")
                    .append(s.myisamStalls.isEmpty() ? "" : String.format("%.2f", median(s.myisamStalls))).append(" | ")
                    .append(s.myisamRates.isEmpty() ? "" : String.format("%.0f", median(s.myisamRates))).append(" | ")
                    .append(s.note).append(" |\n");
        }
        b.append("\n## Ratios against the targets\n\n| Ratio | Value | Target | Verdict |\n|---|---:|---|---|\n");
        Step bare = steps.get("bare mariabackup --backup (writer running)");
        Step ours = steps.get("backup run (writer running)");
        Step hot = steps.get("mariadb-hotcopy of shop (writer running)");
        Step idle = steps.get("writer alone (5 s, no copy)");
        atMost(b, "backup run / bare mariabackup (includes the manifest; verification excluded)",
                med(ours.name) / med(bare.name), 1.05);
        info(b, "bare mariabackup / cp -a of the datadir", med(bare.name) / med("cp -a of the datadir"),
                "(physical limit = 1)");
        info(b, "raw read / cp -a (how much of cp is the write side)",
                med("raw read of the datadir (cat > /dev/null)") / med("cp -a of the datadir"), "(information)");
        atMost(b, "longest InnoDB writer stall during backup run (s)", median(ours.stalls), 0.1);
        info(b, "longest InnoDB writer stall during bare mariabackup (s)", median(bare.stalls), "(information)");
        info(b, "longest MyISAM writer stall during backup run (s)", median(ours.myisamStalls),
                "(MyISAM is locked while copied, under any engine)");
        info(b, "longest MyISAM writer stall during bare mariabackup (s)", median(bare.myisamStalls), "(the same lock)");
        info(b, "longest InnoDB writer stall during mariadb-hotcopy (s)", median(hot.stalls),
                String.format("(the whole copy: %.2f s)", med(hot.name)));
        atLeast(b, "InnoDB writer throughput during backup run / writer alone",
                median(ours.writerRates) / median(idle.writerRates), 0.80);
        info(b, "InnoDB writer throughput during bare mariabackup / writer alone",
                median(bare.writerRates) / median(idle.writerRates), "(information)");
        info(b, "MyISAM writer throughput during backup run / writer alone",
                median(ours.myisamRates) / median(idle.myisamRates), "(information)");
        atLeast(b, "checksum verification MB/s / raw read MB/s of the same files",
                med("raw read of the backup (cat > /dev/null)") / med("checksum verification (FileChecksums.scan, CRC32C)"),
                0.80);
        info(b, "mariadb-dump / backup run (both with the writers running)", med(DUMP) / med(ours.name),
                "(information: one dump run)");
        info(b, "load of the dump / restore --latest (the way back)", med(DUMP_LOAD) / med(RESTORE),
                "(information: one load)");
        atMost(b, "restore --latest / (prepare + cp)", med(RESTORE) / med("prepare + cp (baseline for restore)"), 1.2);
        atMost(b, "restore overhead (restore − stop − start − replication − catch-up − (prepare + cp)) / (prepare + cp)",
                restoreOverhead(), 0.2);
        for (String format : List.of("text", "json", "html")) {
            atMost(b, "report --format " + format + " at 100k backups (s)", med(REPORT + " --format " + format), 1.0);
        }
        info(b, "list --limit 50 at 100k backups (s)", med("list --limit 50 (100k backups in the catalog)"),
                "(information)");
        Step daemon = steps.get(DaemonMemory.STEP);
        atMost(b, "daemon peak resident memory (MB)", daemon == null || daemon.peakRssMb == 0 ? Double.NaN
                : daemon.peakRssMb, 256);
        b.append("\nThe `list` and `report` times run in-process (no JVM start-up) and include opening the H2 "
                + "catalog and the check of its schema version (Flyway runs only when it changed), as a user's "
                + "command would.\n");
        return b.toString();
    }

    private static void atMost(StringBuilder b, String what, double value, double limit) {
        row(b, what, value, "≤ " + limit, value <= limit ? "met" : String.format("missed by %.0f %%", (value / limit - 1) * 100));
    }

    private static void atLeast(StringBuilder b, String what, double value, double limit) {
        row(b, what, value, "≥ " + limit, value >= limit ? "met" : String.format("missed by %.0f %%", (1 - value / limit) * 100));
    }

    private static void info(StringBuilder b, String what, double value, String note) {
        row(b, what, value, note, "");
    }

    private static void row(StringBuilder b, String what, double value, String target, String verdict) {
        b.append("| ").append(what).append(" | ").append(Double.isNaN(value) ? "not measured" : String.format("%.2f", value))
                .append(" | ").append(target).append(" | ").append(Double.isNaN(value) ? "" : verdict).append(" |\n");
    }

    private static String machine() throws IOException {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse(cpu);
        }
        long memKb = 0;
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            memKb = lines.filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        }
        return String.format("%s, %d cores, %.1f GB RAM, %s %s, Java %s", cpu, Runtime.getRuntime().availableProcessors(),
                memKb / 1048576.0, System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"));
    }

    private static String mb(long bytes) {
        return String.format("%.0f MB", bytes / 1048576.0);
    }

    private static void say(String format, Object... args) {
        System.out.printf(format + "%n", args);
        System.out.flush();
    }
}
