package org.backupscheduler.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;
import org.backupscheduler.demo.Damage;
import org.backupscheduler.demo.DemoLab;
import org.backupscheduler.demo.DemoStore;
import org.backupscheduler.demo.Prerequisites;
import org.backupscheduler.demo.S3ProxyJars;
import org.backupscheduler.sandbox.LongMyisamUpdate;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.sandbox.Workload;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backup demo}: the whole story on throw-away servers, with the same commands a DBA runs.
 * Every step prints the command it runs, so the demo doubles as a tour of the CLI.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show backup-scheduler at work on a throw-away primary and replica (removed afterwards).",
        footer = {"%nExamples:", "  bin/backup demo", "  bin/backup demo --rows 100000 --keep", ""})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "20000", description = "rows per table (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--keep", description = "leave the servers' directory (stopped) for a look afterwards")
    boolean keep;

    @Option(names = "--s3proxy", paramLabel = "DIR", description = "S3Proxy's jars for step 11 (default: s3proxy/ "
            + "beside the jar, which bin/fetch-s3proxy fills; without them step 11 is skipped)")
    Path s3proxy;

    private PrintWriter out;
    private final List<String> problems = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Prerequisites.check();
        step("1. Starting a throw-away primary and replica (MariaDB from the Debian packages)");
        Instant t0 = Instant.now();
        try (DemoLab lab = DemoLab.start(out, keep)) {
            out.printf("  ready in %.1fs under %s%n", seconds(t0), lab.home());

            step("2. Loading shop.orders (InnoDB) and shop.audit (MyISAM), " + rows + " rows each");
            Workload.load(lab.primary(), rows);

            step("3. Two backups while a writer keeps inserting into both tables, each verified by the engine");
            try (Workload writer = new Workload(lab.primary()).startWriter()) {
                expect(UserError.OK, lab.config(), "run");
                expect(UserError.OK, lab.config(), "run");
                writer.close();
                out.printf("  writer: %d rounds of inserts during the backups, longest single round %d ms%n",
                        writer.written(), writer.longestStallMillis());
            }

            step("4. One backup damaged on purpose (a bit flipped on disk), and caught");
            Path damaged = Damage.flipOneBit(Damage.newestBackup(lab.home().resolve("repo"), "demo"));
            out.println("  flipped one bit in " + damaged);
            expect(UserError.PROBLEMS, lab.config(), "verify", "--latest");

            step("5. The catalog");
            expect(UserError.OK, lab.config(), "list");

            step("6. The field report's pile-up: a maintenance UPDATE holds MyISAM shop.audit, the backup's "
                    + "lock waits behind it, writers queue behind the backup");
            try (LongMyisamUpdate maintenance = LongMyisamUpdate.start(lab.primary())) {
                out.printf("  session %d: UPDATE shop.audit ... (a minute of work, holding the table)%n",
                        maintenance.id());
                // The kill policy (demo config: wait-threshold 3s, action kill-blocker) ends it; the
                // backup completes instead of waiting the 22 hours of the field report.
                expect(UserError.OK, lab.config(), "run");
                out.println(maintenance.alive() ? "  the UPDATE is still running: the policy did not act"
                        : "  the blocker was killed after the threshold; the backup went on (see the report's lock section)");
            }

            step("7. Backing up the replica instead, as the field report's hourly job did");
            // Minutes, not seconds: on a busy machine the replica applied the writer's rows at ~50
            // transactions/s (measured under load 22 on 2 cores) and the demo failed here.
            lab.pair().awaitCaughtUp(Duration.ofMinutes(3));
            out.printf("  replica caught up with the primary at GTID %s%n",
                    SqlValues.single(lab.replica(), "SELECT @@gtid_slave_pos"));
            expect(UserError.OK, lab.replicaConfig(), "run");
            out.println("  Now replication breaks (SQL thread stopped) while the primary keeps writing:");
            lab.replica().execute("STOP SLAVE SQL_THREAD");
            Workload.load(lab.primary(), 100);
            expect(UserError.FAILED, lab.replicaConfig(), "run");
            out.println("  Refused: a backup of a broken replica would silently hold old data.");
            lab.replica().execute("START SLAVE SQL_THREAD");
            expect(UserError.OK, lab.replicaConfig(), "list");

            step("8. The field report's failure: the replica's binlogs purged on the primary (error 1236)");
            lab.pair().breakWith1236(() -> {
                try {
                    Workload.load(lab.primary(), 100);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            expect(UserError.PROBLEMS, lab.config(), "replica", "check");

            step("9. Rebuilding it with one command, from the newest valid backup");
            expect(UserError.OK, lab.config(), "run");
            expect(UserError.OK, lab.config(), "restore", "--latest", "--replica", "replica1");
            expect(UserError.OK, lab.config(), "replica", "check");

            step("10. The report a DBA reads in ten seconds (exit 3: the backup damaged in step 4 is INVALID)");
            expect(UserError.PROBLEMS, lab.config(), "report", "--days", "1");

            step("11. A backup that leaves the host: into an S3-compatible store (S3Proxy, started here)");
            offHost(lab);

            step("12. Stopping the servers" + (keep ? " (kept: " + lab.home() + ")" : " and removing " + lab.home()));
        }
        if (!problems.isEmpty()) {
            out.println("demo FAILED: " + String.join("; ", problems));
            return UserError.FAILED;
        }
        out.printf("demo finished in %.0fs%n", seconds(t0));
        return UserError.OK;
    }

    /**
     * Step 11: the primary backed up into the demo's own S3 store; the data never lands on this
     * host's disk, the manifest is the last object written, verify reads the chunks where they lie,
     * the catalog comes back from the store alone, and the replica is rebuilt from it.
     */
    private void offHost(DemoLab lab) throws Exception {
        S3ProxyJars jars = s3proxy != null ? new S3ProxyJars(s3proxy.toAbsolutePath()) : S3ProxyJars.besideProduct();
        Optional<String> whyNot = jars.whyNot();
        if (whyNot.isPresent()) {
            out.println("  skipped: S3Proxy not found (" + whyNot.get() + "); bin/fetch-s3proxy fetches it, "
                    + "bin/backup demo runs that");
            return;
        }
        DemoStore started;
        try {
            started = DemoStore.start(lab, jars);
        } catch (IOException e) {
            out.println("  S3Proxy did not start: " + e.getMessage());
            problems.add("S3Proxy did not start (its jars: " + jars.folder() + ")");
            return;
        }
        try (DemoStore store = started) {
            out.printf("  S3Proxy pid %d on %s, bucket '%s' (its filesystem backend: %s); keys in 0600 files%n",
                    store.server().pid(), store.server().endpoint(), DemoStore.BUCKET, store.server().objects());
            out.println("  " + store.config() + ", the part that differs:");
            Files.readAllLines(store.config()).stream().dropWhile(l -> !l.startsWith("state-dir"))
                    .takeWhile(l -> !l.startsWith("source")).forEach(l -> out.println("    " + l));
            expect(UserError.OK, store.config(), "repository", "check");
            if (expect(UserError.OK, store.config(), "run") != UserError.OK) {
                return;
            }
            Path local = Damage.newestBackup(lab.stateDir(), "demo");
            String id = local.getFileName().toString();
            out.println("  In the bucket, oldest write first (the manifest, the commit marker, comes last):");
            showWriteOrder(store.writeOrder("demo", id));
            showLocalFolder(local, store.writeOrder("demo", id));
            expect(UserError.OK, store.config(), "verify", "--latest");

            Path lost = lab.stateDir().resolveSibling("state.lost");
            Files.move(lab.stateDir(), lost);
            out.println("  The host is lost: its state-dir (catalog, local folders) moved aside to " + lost
                    + ". The store alone is enough:");
            expect(UserError.OK, store.config(), "catalog", "rebuild");
            expect(UserError.OK, store.config(), "list");
            expect(UserError.OK, store.config(), "restore", "--latest", "--replica", "replica1");
            expect(UserError.OK, store.config(), "replica", "check");
            out.printf("  stopping S3Proxy (pid %d)%n", store.server().pid());
        }
    }

    /** The objects in write order, the run of chunk objects on one line. */
    private void showWriteOrder(List<DemoStore.Written> objects) {
        List<DemoStore.Written> chunks = objects.stream().filter(o -> o.key().contains("/chunks/")).toList();
        boolean chunksShown = false;
        for (DemoStore.Written o : objects) {
            if (o.key().contains("/chunks/")) {
                if (!chunksShown) {
                    long bytes = chunks.stream().mapToLong(DemoStore.Written::size).sum();
                    out.printf("    %-60s %d chunk objects, %s%n", chunks.get(0).key().replaceAll("\\d{8}$", "*"),
                            chunks.size(), Bytes.human(bytes));
                    chunksShown = true;
                }
            } else {
                out.printf("    %-60s %s%n", o.key(), Bytes.human(o.size()));
            }
        }
        String last = objects.isEmpty() ? "(nothing)" : objects.get(objects.size() - 1).key();
        if (!last.endsWith("/manifest.json")) {
            problems.add("the last object written is " + last + ", not the manifest");
        }
    }

    /** What the backup left on this host: its log and small files, none of the data. */
    private void showLocalFolder(Path local, List<DemoStore.Written> inBucket) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(local)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        long localBytes = 0;
        for (Path f : files) {
            localBytes += Files.size(f);
        }
        long chunkBytes = inBucket.stream().filter(o -> o.key().contains("/chunks/"))
                .mapToLong(DemoStore.Written::size).sum();
        out.printf("  On this host, %s: %d small files, %s (%s); the backup's %s lie only in the bucket%n", local,
                files.size(), Bytes.human(localBytes),
                String.join(", ", files.stream().map(f -> local.relativize(f).toString()).toList()),
                Bytes.human(chunkBytes));
        if (Files.exists(local.resolve("data")) || Files.exists(local.resolve("chunks")) || localBytes * 10 > chunkBytes) {
            problems.add("backup data was left on this host's disk under " + local);
        }
    }

    /** Runs one CLI command against the demo's config, printing it and its output as a user sees them. */
    private int expect(int expectedExit, Path config, String... args) {
        List<String> argv = new ArrayList<>(List.of("--config", config.toString()));
        argv.addAll(List.of(args));
        out.println("$ backup " + String.join(" ", args));
        CommandLine cl = Main.commandLine();
        cl.setOut(out);
        cl.setErr(spec.commandLine().getErr());
        int code = cl.execute(argv.toArray(String[]::new));
        if (code != expectedExit) {
            problems.add("'backup " + String.join(" ", args) + "' exited " + code + ", expected " + expectedExit);
        }
        return code;
    }

    private void step(String title) {
        out.println();
        out.println("== " + title);
        out.flush();
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }
}
