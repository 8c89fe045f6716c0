package org.backupscheduler.restore;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.CopyFolders;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.catalog.BackupPins;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.storage.PrivateFiles;
import org.backupscheduler.verify.PrepareCheck;
import org.backupscheduler.verify.Scratch;

/**
 * {@code backup restore ... --to DIR}: a backup prepared into a folder of its own, rolled
 * forward to a point in time by a server of ours on that folder, beside production. No
 * configured server is stopped, moved or re-pointed: the primary is only read (its binlogs),
 * and nothing outside DIR is written but a working copy beside it, removed at the end.
 */
public final class SideRestore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** What the command line asked for; {@code backupId} null means the newest valid backup. */
    public record Request(String backupId, LocalDateTime until, String untilGtid, Path dir, String replica,
                          boolean serve, boolean dryRun) {
    }

    private final BackupConfig config;
    private final Backups backups;
    private final EngineTool tool;
    private final Secrets secrets;
    private final PrintWriter out;
    private final Clock clock = Clock.systemUTC();

    public SideRestore(BackupConfig config, Backups backups, EngineTool tool, Secrets secrets, PrintWriter out) {
        this.config = config;
        this.backups = backups;
        this.tool = tool;
        this.secrets = secrets;
        this.out = out;
    }

    public RestoreOutcome restore(Request request) throws IOException, InterruptedException {
        // [repositories] further copies fetched for this read are removed when it ends.
        try (CopyFolders.Reading reading = CopyFolders.reading(config)) {
            return restore(new SidePlanner(config, backups, tool, secrets, clock).plan(request), request);
        }
    }

    private RestoreOutcome restore(SidePlan plan, Request request) throws IOException, InterruptedException {
        try (EventSource events = plan.events()) {
            print(plan);
            if (request.dryRun()) {
                out.println("dry run: nothing was written");
                return new RestoreOutcome(null, plan.backup().id(), null, plan.choice().notes());
            }
            // Pinned until the copy is prepared: retention must not delete the chain under the copy.
            try (BackupPins.Pin pin = backups.pins().hold(config.instance(), plan.choice().chain(), "side restore")) {
                return new SideRun(plan).run();
            }
        }
    }

    void print(SidePlan plan) {
        out.println("Side restore plan into " + plan.dir() + ":");
        plan.choice().notes().forEach(n -> out.println("  note: " + n));
        for (int i = 0; i < plan.steps().size(); i++) {
            out.println(String.format("  %2d. %s", i + 1, plan.steps().get(i)));
        }
        out.flush();
    }

    // ---------------------------------------------------------------- act

    /** One run of a plan: its id, catalog row and steps. */
    private final class SideRun {
        private final SidePlan plan;
        private final String id = STAMP.format(LocalDateTime.now(clock));
        private final String instance = config.instance();
        private final RestoreSteps steps;
        private final Path log;

        SideRun(SidePlan plan) {
            this.plan = plan;
            this.steps = new RestoreSteps(backups.restores(), instance, id, out, clock);
            this.log = config.instanceDir().resolve(".restore-" + id + ".log");
        }

        RestoreOutcome run() throws IOException, InterruptedException {
            Path dir = plan.dir();
            Path work = dir.resolveSibling("." + dir.getFileName() + ".side-work-" + id);
            if (Files.exists(work)) {
                throw new UserError(work + " already exists; nothing was written",
                        "wait a second and run the restore again", UserError.USAGE);
            }
            backups.restores().start(instance, id, label(dir), plan.backup().id(),
                    plan.target().catalogText(), clock.instant(), ProcessIdentity.current());
            RepositoryLayout.createPrivateDir(config.instanceDir());
            RepositoryLayout.createPrivateFile(log);
            try {
                steps.run("create", () -> {
                    if (!Files.exists(dir)) {
                        PrivateFiles.createDir(dir);
                    }
                    // A folder that was there empty may be 0755: the socket inside must be ours alone.
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    return dir + " (0700)";
                });
                try (Scratch scratch = Scratch.at(work)) {
                    steps.run("prepare", () -> prepare(scratch));
                    steps.run("move-in", () -> moveIn(scratch, dir));
                }
                if (!plan.target().isNone()) {
                    rollForward(dir);
                }
                String served = plan.serve() ? steps.run("serve", () -> serve(dir)) : null;
                String summary = "backup " + plan.backup().id() + (plan.target().isNone() ? ""
                        : " rolled forward to " + plan.target().describe()) + " in " + dir
                        + (served == null ? "" : "; " + served);
                backups.restores().finish(instance, id, "DONE", null, summary, clock.instant());
                out.println("restore " + id + " DONE: " + summary);
                if (served != null) {
                    printServing(dir);
                } else {
                    out.println("  start a server on it: mariadbd --datadir=" + Undo.shell(List.of(dir.toString()))
                            + " --skip-networking --socket=" + Undo.shell(List.of(SideServer.socket(dir).toString())));
                }
                return new RestoreOutcome(id, plan.backup().id(), null, plan.choice().notes());
            } catch (IOException | SQLException | InterruptedException | RuntimeException e) {
                String reason = steps.current() + (e instanceof InterruptedException ? " was interrupted"
                        : " failed: " + e.getMessage());
                backups.restores().finish(instance, id, "FAILED", null, reason, clock.instant());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new UserError("restore " + id + " into " + dir + " FAILED at " + reason
                        + "; no configured server was changed", "what is in " + dir + " is incomplete: remove it "
                        + "(rm -rf " + Undo.shell(List.of(dir.toString())) + ") and run the restore again; the log is "
                        + log, UserError.FAILED, e);
            }
        }

        private String prepare(Scratch scratch) throws IOException {
            String problem = PrepareCheck.prepare(tool, plan.choice().chain(), scratch,
                    config.schedule().runTimeout());
            if (problem != null) {
                throw new IOException(problem);
            }
            return "prepared " + plan.choice().chain().size() + " backup(s) in " + scratch.dir();
        }

        private String moveIn(Scratch scratch, Path dir) throws IOException {
            List<String> argv = new EngineCommands(tool).moveBack(scratch.dir().resolve("data"), dir);
            ProcessResult res = new ProcessRunner(argv, log, config.schedule().runTimeout()).run();
            if (!res.succeeded()) {
                throw new IOException(res.describe());
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return "files in " + dir;
        }

        /**
         * A server of ours applies the events, then stops cleanly: InnoDB has flushed, so the
         * folder is a datadir any server starts on without crash recovery.
         */
        private void rollForward(Path dir) throws IOException, SQLException, InterruptedException {
            SideServer server = steps.run("start-server", () -> SideServer.start(dir, SideServer.Mode.APPLYING));
            boolean applied = false;
            try {
                steps.run("apply", () -> {
                    EventReplay.apply(plan.events().events(plan.from(), plan.target()),
                            EventReplay.client(SideServer.socket(dir)), log,
                            config.schedule().runTimeout());
                    return "events after " + plan.from() + " up to " + plan.target().describe() + " applied";
                });
                applied = true;
                steps.run("stop-server", () -> {
                    server.stop();
                    return "stopped cleanly";
                });
            } finally {
                // A failed apply still stops our server: nothing of ours is left running unrecorded.
                if (!applied) {
                    try {
                        server.stop();
                    } catch (IOException e) {
                        out.println("  (the side server did not stop cleanly: " + e.getMessage() + ")");
                    }
                }
            }
        }

        private String serve(Path dir) throws IOException {
            SideServer server = SideServer.start(dir, SideServer.Mode.SERVING);
            try {
                ServeRecord.of(dir, server.handle()).write();
            } catch (IOException | RuntimeException e) {
                // Without its record --stop could not end it: stop it now.
                server.stop();
                throw e;
            }
            return "served on " + SideServer.socket(dir) + " (pid " + server.pid() + ")";
        }

        private void printServing(Path dir) {
            String socket = SideServer.socket(dir).toString();
            out.println("  the side server runs on the socket " + socket + " only (no TCP), with the accounts and "
                    + "grants the backup holds");
            out.println("  take a table out:  " + Undo.shell(List.of("mariadb-dump", "--socket=" + socket,
                    "--single-transaction")) + " DB TABLE > TABLE.sql");
            out.println("  stop it:           backup restore --stop " + Undo.shell(List.of(dir.toString())));
            out.flush();
        }
    }

    /** The restores table's replica column (64 characters): what was restored into. */
    private static String label(Path dir) {
        String label = "to " + dir;
        return label.length() <= 64 ? label : "to ..." + label.substring(label.length() - 58);
    }
}
