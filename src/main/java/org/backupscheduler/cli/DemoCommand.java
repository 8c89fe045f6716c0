package org.backupscheduler.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.demo.Damage;
import org.backupscheduler.demo.DemoLab;
import org.backupscheduler.demo.Prerequisites;
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
            lab.pair().awaitCaughtUp(Duration.ofSeconds(30));
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

            step("11. Stopping the servers" + (keep ? " (kept: " + lab.home() + ")" : " and removing " + lab.home()));
        }
        if (!problems.isEmpty()) {
            out.println("demo FAILED: " + String.join("; ", problems));
            return UserError.FAILED;
        }
        out.printf("demo finished in %.0fs%n", seconds(t0));
        return UserError.OK;
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
