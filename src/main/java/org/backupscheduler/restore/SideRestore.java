package org.backupscheduler.restore;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.backup.RepositorySpace;
import org.backupscheduler.catalog.BackupPins;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.replication.PrimaryBinlogs;
import org.backupscheduler.server.Endpoints;
import org.backupscheduler.storage.PrivateFiles;
import org.backupscheduler.verify.PrepareCheck;
import org.backupscheduler.verify.Scratch;
import org.backupscheduler.verify.WorkingCopy;

/**
 * {@code backup restore ... --to DIR}: a backup prepared into a folder of its own, rolled
 * forward to a point in time by a server of ours on that folder, beside production. No
 * configured server is stopped, moved or re-pointed: the primary is only read (its binlogs),
 * and nothing outside DIR is written but a working copy beside it, removed at the end.
 */
public final class SideRestore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final DateTimeFormatter STAMP_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

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
        SidePlan plan = plan(request);
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

    // ---------------------------------------------------------------- plan: reads only

    SidePlan plan(Request request) throws IOException {
        Path dir = request.dir().toAbsolutePath().normalize();
        // DIR first: a typo'd --to must not cost a re-check of the backups before it is refused.
        refuseUnusable(dir);
        refuseInsideOurs(dir);
        RecoveryTarget target = new RecoveryTarget(request.until(), request.untilGtid());
        Instant untilInstant = request.until() == null ? null : request.until().atZone(ZoneId.systemDefault())
                .toInstant();
        if (request.untilGtid() != null && request.backupId() == null) {
            // The newest backup not past the GTID: the choice below then takes it (or an older one).
            untilInstant = lastFinishedAtOrBefore(request.untilGtid());
        }
        BackupChoice choice = BackupChoice.choose(config, backups, tool, request.backupId(), untilInstant);
        BackupRecord backup = choice.backup();
        refusePastTarget(backup, target);
        List<String> notes = new ArrayList<>(choice.notes());
        Coordinates from = Coordinates.NONE;
        EventSource events = null;
        if (!target.isNone()) {
            try {
                from = RestoreCoordinates.of(backup, backups.sources().find(backup.instance(), backup.id()));
            } catch (IllegalStateException e) {
                throw new UserError(e.getMessage() + "; no roll-forward possible, nothing was written",
                        "restore without --until, or a backup taken with binlogs on", UserError.FAILED);
            }
            events = eventSource(request.replica(), backup);
            String missing = events.missing(from);
            if (missing != null) {
                events.close();
                throw new UserError(missing + ": backup " + backup.id() + " cannot be rolled forward to "
                        + target.describe() + " (no roll-forward possible); nothing was written",
                        "choose an older target ('backup list' shows the backups) or a newer backup with --id",
                        UserError.FAILED);
            }
            if (request.until() != null && request.until().isAfter(LocalDateTime.now(clock.withZone(ZoneId.systemDefault())))) {
                notes.add(target.describe() + " is in the future: every event the primary has is applied");
            }
        }
        refuseShortOfSpace(dir, choice);
        List<String> steps = new ArrayList<>();
        steps.add("use backup " + backup.id() + (choice.chain().size() > 1 ? " (chain of " + choice.chain().size()
                + ", full " + choice.chain().get(0).id() + ")" : "") + ", re-checked against its manifest just now");
        steps.add((Files.exists(dir) ? "use the empty folder " : "create ") + dir + " (0700)");
        steps.add("prepare a working copy beside it (the stored backup is not touched) and move it into " + dir);
        if (!target.isNone()) {
            steps.add("start a server on " + dir + ": no TCP, socket " + SideServer.socket(dir) + ", grant tables "
                    + "skipped");
            steps.add("apply the events after " + from + " up to " + target.describe() + ", read from "
                    + events.describe());
            steps.add("stop that server cleanly");
        }
        steps.add(request.serve() ? "start a server on " + dir + " with the backup's own accounts, socket "
                + SideServer.socket(dir) + " only, and leave it running" : "leave " + dir + " as a datadir "
                + "'mariadbd --datadir=" + dir + "' starts on");
        steps.add("no configured server is stopped, moved or re-pointed");
        return new SidePlan(dir, new BackupChoice(choice.chain(), notes), from, target, events, request.serve(),
                steps);
    }

    /**
     * When the newest VERIFIED backup at or before GTID {@code gtid} finished; a backup past it
     * cannot be rolled back to it.
     */
    private Instant lastFinishedAtOrBefore(String gtid) {
        for (BackupRecord b : backups.listByStatus(config.instance(), BackupStatus.VERIFIED)) {
            Coordinates c = coordinatesOrNone(b);
            if (c.gtid() != null && !c.gtid().isEmpty() && notAfter(c.gtid(), gtid) && b.finishedAt() != null) {
                return b.finishedAt();
            }
        }
        throw new UserError("no VERIFIED backup of " + config.instance() + " is at or before GTID " + gtid
                + "; nothing was written", "'backup list' shows the backups; a target after the oldest one's GTID "
                + "can be restored", UserError.FAILED);
    }

    /** A backup chosen by --id must not already hold what came after the target. */
    private void refusePastTarget(BackupRecord backup, RecoveryTarget target) {
        String past = null;
        if (target.time() != null && backup.finishedAt() != null && backup.finishedAt().isAfter(
                target.time().atZone(ZoneId.systemDefault()).toInstant())) {
            past = "finished at " + LocalDateTime.ofInstant(backup.finishedAt(), ZoneId.systemDefault())
                    .format(STAMP_SECONDS);
        }
        String gtid = target.gtid() == null ? null : coordinatesOrNone(backup).gtid();
        if (gtid != null && !gtid.isEmpty() && !notAfter(gtid, target.gtid())) {
            past = "is at GTID " + gtid;
        }
        if (past != null) {
            throw new UserError("backup " + backup.id() + " " + past + ", after the target " + target.describe()
                    + ": it cannot be rolled back to it; nothing was written",
                    "use --latest (the newest backup before the target) or the --id of an older backup",
                    UserError.USAGE);
        }
    }

    private Coordinates coordinatesOrNone(BackupRecord b) {
        try {
            return RestoreCoordinates.of(b, backups.sources().find(b.instance(), b.id()));
        } catch (IllegalStateException e) {
            return Coordinates.NONE;
        }
    }

    /** Per domain of {@code position}, its sequence number is at most the target's (domains the target does not name do not count). */
    static boolean notAfter(String position, String target) {
        Map<String, Long> at = PrimaryBinlogs.seqByDomain(position);
        Map<String, Long> until = PrimaryBinlogs.seqByDomain(target);
        return at.entrySet().stream().allMatch(e -> !until.containsKey(e.getKey())
                || e.getValue() <= until.get(e.getKey()));
    }

    /**
     * DIR must not be inside the repository (a folder there is taken for a backup) nor inside a
     * configured server's datadir (a folder there is a database of that server).
     */
    private void refuseInsideOurs(Path dir) throws IOException {
        Map<String, Path> ours = new TreeMap<>();
        ours.put("the repository", config.repository());
        if (config.source().datadir() != null) {
            ours.put("source.datadir", config.source().datadir());
        }
        config.replicas().forEach((name, r) -> {
            if (r.datadir() != null) {
                ours.put("replicas." + name + ".datadir", r.datadir());
            }
        });
        Path real = realOfExisting(dir);
        for (Map.Entry<String, Path> e : ours.entrySet()) {
            Path root = realOfExisting(e.getValue().toAbsolutePath().normalize());
            if (real.startsWith(root)) {
                throw new UserError("--to " + dir + " is inside " + e.getKey() + " (" + e.getValue()
                        + "); nothing was written",
                        "name a folder of its own, outside the repository and every server's datadir",
                        UserError.USAGE);
            }
        }
    }

    /** The real path of the longest existing prefix of {@code p}, with the rest appended. */
    private static Path realOfExisting(Path p) throws IOException {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        return existing.toRealPath().resolve(existing.relativize(p));
    }

    /** DIR must be new or an empty folder, with room for a socket path inside. */
    private static void refuseUnusable(Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserError(dir + " exists and is not a folder; nothing was written",
                        "name a new or empty folder with --to", UserError.USAGE);
            }
            try (var children = Files.list(dir)) {
                List<String> names = children.limit(4).map(p -> p.getFileName().toString()).sorted().toList();
                if (!names.isEmpty()) {
                    throw new UserError(dir + " is not empty (it holds " + String.join(", ", names)
                            + (names.size() == 4 ? ", ..." : "") + "); nothing was written",
                            "name a new or empty folder with --to: a side restore never writes over files",
                            UserError.USAGE);
                }
            }
        }
        String socket = SideServer.socketTooLong(dir);
        if (socket != null) {
            throw new UserError(socket + "; nothing was written", "use a shorter --to folder path",
                    UserError.USAGE);
        }
    }

    private static void refuseShortOfSpace(Path dir, BackupChoice choice) throws IOException {
        long needed = 0;
        for (BackupRecord b : choice.chain()) {
            needed += WorkingCopy.bytesNeeded(Path.of(b.path()), b.sizeBytes() == null ? 0 : b.sizeBytes());
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Optional<String> shortfall = RepositorySpace.shortfall(existing == null ? Path.of("/") : existing, needed);
        if (shortfall.isPresent()) {
            throw new UserError("not enough space for the copy of backup " + choice.backup().id() + " in " + dir
                    + ": " + shortfall.get() + "; nothing was written", "free space there, or use --to on another "
                    + "file system", UserError.USAGE);
        }
    }

    /**
     * Who can hand us the events: a configured replica's primary (that account has REPLICATION
     * SLAVE, which reading binlogs needs), or else the source itself when the backup was taken on
     * it (then the backup account needs REPLICATION SLAVE too).
     */
    private EventSource eventSource(String replica, BackupRecord backup) {
        Map<String, ReplicaConfig> withPrimary = new TreeMap<>();
        config.replicas().forEach((name, r) -> {
            if (r.primary() != null) {
                withPrimary.put(name, r);
            }
        });
        if (replica != null) {
            ReplicaConfig r = withPrimary.get(replica);
            if (r == null) {
                throw new UserError("replicas." + replica + " is not configured or has no primary: section",
                        "name a replica whose primary: section reaches the primary, or leave --replica out",
                        UserError.USAGE);
            }
            return new PrimaryEvents(Endpoints.primary(replica, r, secrets), "replicas." + replica + ".primary");
        }
        if (!withPrimary.isEmpty()) {
            String name = withPrimary.keySet().iterator().next();
            return new PrimaryEvents(Endpoints.primary(name, withPrimary.get(name), secrets),
                    "replicas." + name + ".primary");
        }
        boolean takenOnReplica = backups.sources().find(backup.instance(), backup.id())
                .map(SourceState::isReplica).orElse(false);
        if (takenOnReplica) {
            throw new UserError("backup " + backup.id() + " was taken on a replica, and no replicas.NAME.primary is "
                    + "configured to read the primary's binlogs from; nothing was written",
                    "add a replicas: entry with a primary: section (host, port, user with REPLICATION SLAVE)",
                    UserError.USAGE);
        }
        return new PrimaryEvents(Endpoints.source(config.source(), secrets), "source:");
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
                    plan.target().isNone() ? null : plan.target().describe(), clock.instant());
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
                    EventReplay.apply(plan.events().events(plan.from(), plan.target()), SideServer.socket(dir), log,
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
