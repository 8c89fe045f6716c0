package org.backupscheduler.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.cli.Main;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;

/**
 * The catalog at fleet scale ([2.6], {@code bench/run --fleet-catalog}): one million backup rows,
 * 10,000 hourly runs of each of 100 instances, in the embedded H2 catalog and then in a MariaDB
 * catalog (a sandbox server, skipped with its reason if it cannot start); then {@code list},
 * {@code report} and retention ({@code expire --dry-run}) as one instance's command and as the
 * fleet's ({@code --config-dir} with 100 instance files), each timed in-process three times
 * (median), catalog open included. No source server is needed: the rows are the catalog's alone.
 */
final class FleetCatalog {
    static final String SECTION = "## Catalog at fleet scale";
    private static final int INSTANCES = 100;
    private static final int PER_INSTANCE = 10_000;

    private final Path outFile;
    private final Map<String, List<Double>> times = new LinkedHashMap<>();
    private final Map<String, double[]> loads = new LinkedHashMap<>();

    private final int runs;
    private final boolean mariadb;
    private final Path reuse;

    /**
     * {@code reuse}: a folder left by an earlier run (its h2/ subfolder), so the rows need not be inserted again;
     * a folder without an h2/ subfolder yet gets the rows inserted there and is kept for the next run.
     */
    FleetCatalog(Path outFile, int runs, boolean mariadb, Path reuse) {
        this.outFile = outFile;
        this.runs = runs;
        this.mariadb = mariadb;
        this.reuse = reuse == null ? null : reuse.resolve("h2");
    }

    void run() throws Exception {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "bs-fleet-");
        Instant started = Instant.now();
        try {
            measure(home.resolve("h2"), "H2", null, null);
            if (!mariadb) {
                mariadbSkipped = "not asked for (--no-mariadb)";
                throw new SkipMariaDb();
            }
            // The MariaDB catalog: a sandbox server of ours on loopback, an account of its own.
            try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("fleetcat").under(home))) {
                server.execute("CREATE DATABASE backup_catalog",
                        "CREATE USER 'catalog'@'127.0.0.1' IDENTIFIED BY 'cat-pw'",
                        "GRANT ALL ON backup_catalog.* TO 'catalog'@'127.0.0.1'");
                measure(home.resolve("mariadb"), "MariaDB",
                        "jdbc:mysql://127.0.0.1:" + server.port() + "/backup_catalog", "cat-pw");
            } catch (Exception | LinkageError e) {
                say("MariaDB catalog rows skipped: %s", e);
                mariadbSkipped = e.toString();
            }
        } catch (SkipMariaDb skipped) {
            // the H2 rows are measured
        } finally {
            PathUtils.deleteDirectory(home);
            say("removed %s", home);
        }
        String section = render(started);
        BenchDoc.writeSection(outFile, SECTION, section);
        say("wrote %s", outFile);
        System.out.print(section);
    }

    private String mariadbSkipped;

    private static final class SkipMariaDb extends RuntimeException {
        SkipMariaDb() {
            super(null, null, false, false);
        }
    }
    private final Map<String, Double> insertSeconds = new LinkedHashMap<>();

    /** One catalog: {@code url} null is the embedded H2 file in the repository. */
    private void measure(Path home, String label, String url, String password) throws Exception {
        boolean kept = false;
        if (reuse != null && url == null) {
            kept = Files.exists(reuse.resolve("repo"));
            home = reuse; // a kept H2 catalog of the 1 M rows (--reuse DIR): its configs are rewritten
            if (Files.exists(home.resolve("instances"))) {
                PathUtils.deleteDirectory(home.resolve("instances"));
            }
            Files.deleteIfExists(home.resolve("one.yml"));
        }
        Path dir = Files.createDirectories(home.resolve("instances"));
        Path repo = Files.createDirectories(home.resolve("repo"));
        Files.deleteIfExists(home.resolve("source.password"));
        Path pw = secret(home.resolve("source.password"), "unused");
        String catalog = url == null ? "" : "catalog: {url: '" + url + "', user: catalog, password-file: "
                + secret(home.resolve("catalog.password"), password) + "}\n";
        String common = "repository: " + repo + "\n" + catalog
                + "source: {host: 127.0.0.1, port: 1, user: backup, password-file: " + pw + "}\n"
                + "retention: {hourly: 24, daily: 7, weekly: 4}\n";
        ConfigTrust.write(dir.resolve("defaults.yml"), common);
        for (int i = 0; i < INSTANCES; i++) {
            ConfigTrust.write(dir.resolve(name(i) + ".yml"), "instance: " + name(i) + "\n");
        }
        Path one = home.resolve("one.yml");
        ConfigTrust.write(one, "instance: " + name(0) + "\n" + common);
        long t0 = System.nanoTime();
        if (!kept) {
            insert(ConfigLoader.load(one).catalogUrl(), url == null ? null : "catalog", password, repo);
            insertSeconds.put(label, (System.nanoTime() - t0) / 1e9);
            say("%s: inserted %d rows in %.1f s", label, INSTANCES * PER_INSTANCE, insertSeconds.get(label));
        } else {
            say("%s: the %d rows kept in %s", label, INSTANCES * PER_INSTANCE, home);
        }
        String c = " (" + label + ")";
        for (int r = 0; r < runs; r++) {
            time("list --limit 50, one instance" + c, List.of(0), "--config", one.toString(), "list", "--limit", "50");
            time("report --days 366 --format json, one instance" + c, List.of(0, 3), "--config", one.toString(),
                    "report", "--format", "json", "--days", "366", "--output", home.resolve("r.json").toString());
            time("expire --dry-run, one instance's 10,000 rows (24 hourly, 7 daily, 4 weekly)" + c, List.of(0),
                    "--config", one.toString(), "expire", "--dry-run");
            time("list --limit 50 --config-dir, 100 instances" + c, List.of(0), "--config-dir", dir.toString(), "list",
                    "--limit", "50");
            time("report --days 7 --format json --config-dir, 100 instances" + c, List.of(0, 3), "--config-dir",
                    dir.toString(), "report", "--format", "json", "--days", "7", "--output",
                    home.resolve("fleet.json").toString());
        }
    }

    private static Path secret(Path file, String value) throws java.io.IOException {
        Files.writeString(file, value + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String name(int i) {
        return String.format("fleet-%03d", i);
    }

    /** 10,000 hourly VERIFIED fulls per instance, ending now, in batches of 5,000. */
    private static void insert(String url, String user, String password, Path repo) {
        try (Catalog catalog = Catalog.open(url, user, password)) {
            ProcessIdentity owner = ProcessIdentity.current();
            Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(PER_INSTANCE));
            var engine = new BackupRecord.Engine("mariabackup", "10.11");
            var source = new BackupRecord.Source("127.0.0.1:3307", null);
            DateTimeFormatter ids = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
            List<BackupRecord> batch = new ArrayList<>();
            for (int inst = 0; inst < INSTANCES; inst++) {
                for (int h = 0; h < PER_INSTANCE; h++) {
                    Instant at = start.plus(Duration.ofHours(h));
                    String id = ids.format(at);
                    batch.add(BackupRecord.running(name(inst), id, BackupType.FULL, null, at, engine, source,
                            repo.resolve(name(inst)).resolve(id).toString())
                            .completed(BackupStatus.VERIFIED, at.plusSeconds(30),
                                    new BackupRecord.Contents(1_100_000_000L, 420),
                                    new BackupRecord.Lsns(1000L + h, 2000L + h),
                                    new Coordinates("mysql-bin.000001", 4L + h, "0-1-" + h), 1L, null));
                    if (batch.size() == 5000) {
                        catalog.backups().insertBatch(batch, owner);
                        batch.clear();
                    }
                }
                if (inst % 10 == 9) {
                    say("  %d instances inserted", inst + 1);
                }
            }
            if (!batch.isEmpty()) {
                catalog.backups().insertBatch(batch, owner);
            }
        }
    }

    private void time(String name, List<Integer> codes, String... argv) throws Exception {
        double before = ScaleCurve.loadavg();
        var cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        long t0 = System.nanoTime();
        int code = cl.execute(argv);
        double secs = (System.nanoTime() - t0) / 1e9;
        Benchmark.check(codes.contains(code), name + " exited " + code + ": " + err);
        times.computeIfAbsent(name, k -> new ArrayList<>()).add(secs);
        double[] l = loads.computeIfAbsent(name, k -> new double[] {Double.MAX_VALUE, 0});
        l[0] = Math.min(l[0], Math.min(before, ScaleCurve.loadavg()));
        l[1] = Math.max(l[1], Math.max(before, ScaleCurve.loadavg()));
        say("  %-75s %6.2f s (load %.2f)", name, secs, ScaleCurve.loadavg());
    }

    private String render(Instant started) {
        StringBuilder b = new StringBuilder(SECTION).append("\n\n");
        b.append("Written by `bench/run --fleet-catalog` (org.backupscheduler.bench.FleetCatalog), ")
                .append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(ChronoUnit.SECONDS)))
                .append(String.format(". A catalog holding %,d backup rows: %,d hourly VERIFIED fulls of each of %d "
                        + "instances, in the embedded H2 file and in a MariaDB catalog (a sandbox server on loopback); "
                        + "inserted in %s. Each command runs in-process (no JVM start-up), opening the catalog as a "
                        + "user's command does (a --config-dir command opens each distinct catalog once for all its instances); " + runs + " run(s), median "
                        + "shown.%n%n", INSTANCES * PER_INSTANCE, PER_INSTANCE, INSTANCES,
                        insertSeconds.entrySet().stream().map(e -> String.format("%.0f s (%s)", e.getValue(), e.getKey()))
                                .reduce((x, y) -> x + ", " + y).orElse("-")
                                + (reuse != null ? " (H2: kept from an earlier run, --reuse, not inserted again)" : "")));
        if (mariadbSkipped != null) {
            b.append("The MariaDB catalog was not measured in this run: ").append(mariadbSkipped).append(".\n\n");
        }
        b.append("**Taken under load**: other sessions' builds and tests shared the 2 cores; the load column gives "
                + "the 1-minute load average around the runs of each row.\n\n");
        b.append("| Command | Median (s) | Runs (s) | Load (min–max) | Target | Verdict |\n|---|---:|---|---|---|---|\n");
        for (var e : times.entrySet()) {
            double med = Benchmark.median(e.getValue());
            double[] l = loads.get(e.getKey());
            b.append(String.format("| %s | %.2f | %s | %.1f–%.1f | ≤ 1.0 | %s |%n", e.getKey(), med,
                    e.getValue().stream().map(v -> String.format("%.2f", v)).reduce((x, y) -> x + ", " + y).orElse(""),
                    l[0], l[1], med <= 1.0 ? "met" : String.format("missed by %.0f %%", (med - 1) * 100)));
        }
        return b.toString();
    }

    private static void say(String format, Object... args) {
        System.out.printf(format + "%n", args);
        System.out.flush();
    }
}
