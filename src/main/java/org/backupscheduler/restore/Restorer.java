package org.backupscheduler.restore;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.backup.CopyFolders;
import org.backupscheduler.backup.RepositoryStores;
import org.backupscheduler.UserError;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.binlogs.Replay;
import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupPins;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.PrepareMemory;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.engine.SshHost;
import org.backupscheduler.replication.PrimaryBinlogs;
import org.backupscheduler.replication.ReplicationState;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.Endpoints;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.verify.PrepareCheck;
import org.backupscheduler.verify.Scratch;
import org.backupscheduler.verify.Verifier;
import org.backupscheduler.verify.WorkingCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a replica from a backup, each step recorded with its duration. Nothing is ever
 * deleted: the old datadir is renamed aside, and the stored backup is only read (a working copy
 * is prepared and moved into place).
 */
public final class Restorer {
    private static final Logger log = LoggerFactory.getLogger(Restorer.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /**
     * How long a server may take to stop or start after its command returned. A system property
     * only so that tests of a stop-command that does not stop the server need not wait 3 minutes.
     */
    private final Duration serverWait = Duration.ofSeconds(
            Long.getLong("backupscheduler.restore.server-wait-seconds", 180));

    private final BackupConfig config;
    private final Backups backups;
    private final EngineTool tool;
    private final Secrets secrets;
    private final PrintWriter out;
    private final Clock clock = Clock.systemUTC();
    private final ReplicaAttachment replication;
    /** Set by {@link #plan} when --until rolls forward from the binlog archive (the primary purged). */
    private Replay.Plan archived;
    /** Set by {@link #plan}: this host, or the replica's host over SSH; closed when the restore ends. */
    private ReplicaSite site = ReplicaSite.LOCAL;

    public Restorer(BackupConfig config, Backups backups, EngineTool tool, Secrets secrets, PrintWriter out) {
        this.replication = new ReplicaAttachment(tool, clock);
        this.config = config;
        RepositoryStores.configure(config);
        this.backups = backups;
        this.tool = tool;
        this.secrets = secrets;
        this.out = out;
    }

    // ---------------------------------------------------------------- plan

    RestorePlan plan(String replicaName, String backupId, LocalDateTime until) throws IOException {
        return plan(replicaName, backupId, until, Map.of());
    }

    /**
     * {@code damagedEarlier}: backups this restore found damaged as it copied them (id → what it
     * found), now INVALID: the plan says it fell back from them.
     */
    RestorePlan plan(String replicaName, String backupId, LocalDateTime until, Map<String, String> damagedEarlier)
            throws IOException {
        String name = replicaName(replicaName);
        ReplicaConfig r = config.replicas().get(name);
        if (r.primary() == null) {
            throw new UserError("replicas." + name + ".primary is missing: the restored replica must be pointed at "
                    + "its primary", "add replicas." + name + ".primary (host, port, user, password-file)",
                    UserError.USAGE);
        }
        Endpoint admin = Endpoints.replica(name, r, secrets);
        Endpoint primary = Endpoints.primary(name, r, secrets);
        site.close();
        site = ReplicaSite.LOCAL;
        site = ReplicaSite.open(name, r);
        ReplicaFiles files = site.files();
        // First: is it running? Only "nothing listens" means stopped; a server that refuses our
        // login (1045), is full (1040) or does not answer in time runs, and cannot be stopped safely.
        ServerProbe probe = ServerProbe.of(admin);
        if (probe.is(ServerProbe.State.UNREACHABLE)) {
            throw new UserError("replica " + name + " at " + admin.address() + " runs but does not let " + admin.user()
                    + " in: " + probe.error() + "; it is not taken for stopped, nothing was changed",
                    "fix replicas." + name + " (user, password-file) so this account logs in, or wait until the "
                            + "server accepts connections, then run the restore again", UserError.FAILED);
        }
        boolean answering = probe.is(ServerProbe.State.UP);
        DatadirResolver.Resolved datadir = DatadirResolver.resolve(name, r, admin);
        SelfRestoreGuard.check(name, admin, datadir.datadir(), primary, source(), config.source().role());
        refuseLeftovers(name, datadir.datadir(), files);
        // Then its files: a server may use the datadir without answering on the configured
        // address (another port, skip-networking); it runs all the same.
        DatadirGuard guard = DatadirGuard.of(name, datadir.datadir(), r.defaultsFile(), answering ? admin : null,
                files);
        Optional<String> user = answering ? Optional.empty() : guard.user();
        boolean running = answering || user.isPresent();
        String how = user.map(u -> " (nothing answers on " + admin.address() + ", but " + u + ")").orElse("");
        if (running && r.stopCommand().isEmpty()) {
            throw new UserError("replica " + name + " is running" + how + " and replicas." + name
                    + ".stop-command is not set", "set stop-command (such as [systemctl, stop, mariadb]) and "
                    + "start-command", UserError.USAGE);
        }
        if (r.startCommand().isEmpty()) {
            throw new UserError("replicas." + name + ".start-command is not set", "set it, such as "
                    + "[systemctl, start, mariadb]", UserError.USAGE);
        }
        Instant untilInstant = until == null ? null : until.atZone(ZoneId.systemDefault()).toInstant();
        // On this host a backup of plain files is read once: its checksums are taken as the working
        // copy is made (before the replica is stopped), only its structure and sizes here.
        BackupChoice choice = BackupChoice.choose(config, backups, tool, backupId, untilInstant, site.isLocal(),
                damagedEarlier);
        BackupRecord backup = choice.backup();
        if (!site.isLocal()) {
            for (BackupRecord b : choice.chain()) {
                if (org.backupscheduler.backup.StoredStream.of(Path.of(b.path())).isEmpty()) {
                    throw new UserError("backup " + b.id() + " is stored as plain files: only a stored stream is sent "
                            + "to replica " + name + " over SSH (replicas." + name + ".ssh); nothing was changed",
                            "restore a compressed, encrypted or chunked backup (engine.compress: zstd), or one taken "
                                    + "with source.ssh", UserError.USAGE);
                }
            }
        }
        Coordinates from;
        try {
            from = RestoreCoordinates.of(backup, backups.sources().find(backup.instance(), backup.id()));
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage(), "restore a backup taken with binlogs on (or --slave-info on a "
                    + "replica)", UserError.FAILED);
        }
        String purged;
        try (Connection c = ServerConnections.open(primary)) {
            purged = PrimaryBinlogs.read(c).missing(from);
        } catch (SQLException e) {
            throw new UserError("cannot read the binlog list of the primary " + primary.address() + " as "
                    + primary.user() + ": " + e.getMessage() + "; nothing was changed", "check replicas." + name
                    + ".primary: its account needs REPLICATION SLAVE, BINLOG MONITOR", UserError.FAILED);
        }
        // The primary lacks the binlogs from the backup on: with --until, the binlog archive can
        // stand in for them (checked now, before anything changes); without, nothing can.
        archived = null;
        if (purged != null && (until == null || !config.binlogs().on())) {
            throw new UserError(purged + ": a replica restored from backup " + backup.id()
                    + " could not catch up (no roll-forward possible); nothing was changed",
                    "take a fresh backup ('backup run') and restore that one", UserError.FAILED);
        }
        if (purged != null) {
            archived = ArchiveRollForward.check(backups.binlogFiles(), config.instance(), from, until);
        }
        long needed = 0;
        for (BackupRecord b : choice.chain()) {
            needed += WorkingCopy.bytesNeeded(Path.of(b.path()), b.sizeBytes() == null ? 0 : b.sizeBytes());
        }
        Path parent = datadir.datadir().toAbsolutePath().getParent();
        long free = files.usableSpace(parent);
        if (free < needed + needed / 10) {
            throw new UserError("not enough space for the working copy next to " + datadir.datadir()
                    + (site.isLocal() ? "" : " on " + site.host().describe()) + ": " + free + " bytes free, "
                    + (needed + needed / 10) + " needed; nothing was changed",
                    "free space in the file system of " + parent, UserError.USAGE);
        }
        List<String> steps = new ArrayList<>();
        boolean onCopy = !choice.checkedOnCopy().isEmpty();
        steps.add("use backup " + backup.id() + (choice.chain().size() > 1 ? " (chain of " + choice.chain().size()
                + ", full " + choice.chain().get(0).id() + ")" : "") + (choice.allCheckedOnCopy()
                ? ", its structure and file sizes re-checked against its manifest just now; its checksums are "
                        + "checked as the working copy is made"
                : ", re-checked against its manifest just now" + (onCopy ? " (the checksums of its plain-file "
                        + "backups as the working copy is made)" : "")));
        steps.add("target datadir " + datadir.datadir() + " (" + datadir.how() + ")"
                + (site.isLocal() ? "" : " on " + site.host().describe()));
        String stop = running ? "stop replica " + name + how + ": " + String.join(" ", r.stopCommand())
                + ", then wait until nothing uses its datadir" : "replica " + name + " is not running";
        String aside = "move " + datadir.datadir() + " aside to " + datadir.datadir()
                + ".before-restore-<time> (rename)";
        if (site.isLocal()) {
            // The backup copied and prepared while the replica still serves: a damaged backup or a
            // failed prepare stops the restore with nothing changed, and the downtime is shorter.
            steps.add("copy it into a working copy next to the datadir (the stored backup is not touched)"
                    + (onCopy ? ", every file's CRC32C checked against the manifest as it passes: a mismatch stops "
                            + "here, nothing changed" : ""));
            steps.add("prepare the working copy (--prepare, --use-memory half the free memory, at most the "
                    + "data's size)"
                    + (running ? ", the replica still running" : ""));
            steps.add(stop);
            steps.add(aside);
        } else {
            steps.add(stop);
            steps.add(aside);
            steps.add("prepare a working copy next to it (the stored backup is not touched)");
        }
        steps.add("move the prepared copy into " + datadir.datadir() + " (--move-back --datadir)");
        steps.add(r.osUser() == null ? "keep file ownership (replicas." + name + ".os-user not set)"
                : "give the files to " + r.osUser());
        steps.add("start replica " + name + ": " + String.join(" ", r.startCommand()));
        if (archived != null) {
            steps.add("roll forward from the binlog archive (" + purged + "): " + archived.files().size()
                    + " archived file(s) from " + from.gtid() + ", stopping at the last event before " + until);
            steps.add("configure replication from " + primary.address() + " where that stopped; not started");
        } else {
            steps.add("replicate from " + primary.address() + " starting at " + from
                    + (until == null ? "" : ", stopping at the last event before " + until));
            steps.add(until == null ? "wait until both replication threads run and lag falls to 0"
                    : "wait until the replica has applied everything up to " + until);
        }
        return new RestorePlan(name, r, admin, primary, choice, guard, datadir.how(), from, until, running, steps);
    }

    private Endpoint source() {
        return Endpoints.source(config.source(), secrets);
    }

    /**
     * A working copy {@code <datadir>.restore-work-*} left behind means an earlier restore died
     * between moving the old datadir aside and finishing: its state needs a look before another
     * restore moves anything. And the move aside is a rename: a datadir that is a mount point
     * cannot be renamed, which must be said now, not after the replica was stopped.
     */
    private static void refuseLeftovers(String name, Path datadir, ReplicaFiles files) throws IOException {
        Path parent = datadir.toAbsolutePath().getParent();
        if (parent != null && files.isDirectory(parent)) {
            String prefix = datadir.getFileName() + ".restore-work-";
            {
                Optional<Path> left = files.list(parent).stream()
                        .filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst();
                if (left.isPresent()) {
                    throw new UserError("the working copy " + left.get() + " of an earlier restore of replica " + name
                            + " is still there: that restore did not finish; nothing was changed",
                            "check " + datadir + " and the " + datadir.getFileName() + ".before-restore-* folders "
                                    + "beside it, remove " + left.get() + ", then run the restore again",
                            UserError.USAGE);
                }
            }
            if (files.isDirectory(datadir) && files.isMountPoint(datadir)) {
                throw new UserError("the datadir " + datadir + " of replica " + name + " is a mount point: it cannot "
                        + "be moved aside by rename; nothing was changed", "mount the volume one level up (the "
                        + "datadir a folder inside it), or restore by hand", UserError.USAGE);
            }
        }
    }

    private String replicaName(String given) {
        Map<String, ReplicaConfig> replicas = config.replicas();
        if (replicas.isEmpty()) {
            throw new UserError("no replicas are configured", "add a replicas: section (docs/configuration.md)",
                    UserError.USAGE);
        }
        if (given == null) {
            if (replicas.size() > 1) {
                throw new UserError("several replicas are configured: " + String.join(", ", replicas.keySet()),
                        "name one with --replica", UserError.USAGE);
            }
            return replicas.keySet().iterator().next();
        }
        if (!replicas.containsKey(given)) {
            throw new UserError("no replica '" + given + "' in the config; configured: "
                    + String.join(", ", replicas.keySet()), "check --replica", UserError.USAGE);
        }
        return given;
    }

    void print(RestorePlan plan) {
        out.println("Restore plan for replica " + plan.replicaName() + ":");
        plan.choice().notes().forEach(n -> out.println("  note: " + n));
        for (int i = 0; i < plan.steps().size(); i++) {
            out.println(String.format("  %2d. %s", i + 1, plan.steps().get(i)));
        }
        out.flush();
    }

    // ---------------------------------------------------------------- act

    public RestoreOutcome restore(String replicaName, String backupId, LocalDateTime until, boolean dryRun)
            throws IOException, InterruptedException {
        // [repositories] further copies fetched for this read are removed when it ends.
        try (CopyFolders.Reading reading = CopyFolders.reading(config)) {
            Map<String, String> damaged = new LinkedHashMap<>();
            while (true) {
                RestorePlan plan = plan(replicaName, backupId, until, damaged);
                // The chain is pinned before anything changes and until the restore ends: the hourly run's
                // retention must not delete it under the prepare, after the old datadir was moved aside.
                try (BackupPins.Pin pin = backups.pins().hold(config.instance(), plan.choice().chain(), "restore")) {
                    return restore(plan, until, dryRun);
                } catch (DamagedLink d) {
                    // Found as it was copied, nothing changed: INVALID now (or its copy), so the plan
                    // chooses again, as it does for a backup that fails its re-check.
                    if (d.backupInvalid && backupId != null) {
                        throw new UserError("no valid backup of " + config.instance() + " to restore: " + d.note
                                + "; nothing was changed", "take one with 'backup run' (it is verified right after)",
                                UserError.FAILED);
                    }
                    if (d.backupInvalid) {
                        damaged.put(d.backupId, d.note);
                    }
                }
            }
        } finally {
            site.close();
            site = ReplicaSite.LOCAL;
        }
    }

    private RestoreOutcome restore(RestorePlan plan, LocalDateTime until, boolean dryRun)
            throws IOException, InterruptedException {
        print(plan);
        if (dryRun) {
            out.println("dry run: nothing was changed");
            return new RestoreOutcome(null, plan.backup().id(), null, plan.choice().notes());
        }
        String instance = config.instance();
        String id = freshId(instance);
        ReplicaConfig r = plan.replica();
        Path datadir = plan.datadir();
        Path asideTarget = datadir.resolveSibling(datadir.getFileName() + ".before-restore-" + id);
        Path work = datadir.resolveSibling(datadir.getFileName() + ".restore-work-" + id);
        for (Path taken : List.of(asideTarget, work)) {
            if (site.files().exists(taken)) {
                // Two restores started within one second: never rename onto (or into) a kept folder.
                throw new UserError(taken + " already exists; nothing was changed",
                        "wait a second and run the restore again", UserError.USAGE);
            }
        }
        backups.restores().start(instance, id, plan.replicaName(), plan.backup().id(),
                until == null ? null : until.toString(), clock.instant(), ProcessIdentity.current());
        RestoreSteps steps = new RestoreSteps(backups.restores(), instance, id, out, clock);
        Path workLog = config.instanceDir().resolve(".restore-" + id + ".log");
        RepositoryLayout.createPrivateDir(config.instanceDir());
        RepositoryLayout.createPrivateFile(workLog);
        Undo done = new Undo();
        done.files = site.files();
        ReplicaFiles files = site.files();
        try (Scratch ahead = site.isLocal() ? Scratch.at(work) : null) {
            List<Path> copies = new ArrayList<>();
            if (ahead != null) {
                steps.run("copy", () -> {
                    copies.addAll(copy(plan, ahead));
                    return (plan.choice().allCheckedOnCopy() ? "copied into " + work + ", every file's checksum "
                            + "matches the manifest" : "laid out in " + work);
                });
                // Prepared while the replica still serves: a failure here changed nothing.
                long data = 0;
                for (BackupRecord b : plan.choice().chain()) {
                    data += WorkingCopy.bytesNeeded(Path.of(b.path()), b.sizeBytes() == null ? 0 : b.sizeBytes());
                }
                long memory = PrepareMemory.here(data);
                steps.run("prepare", () -> {
                    String problem = PrepareCheck.prepare(tool, plan.choice().chain(), ahead,
                            config.schedule().runTimeout(), memory, (i, name) -> copies.get(i));
                    if (problem != null) {
                        throw new IOException(problem);
                    }
                    return "prepared " + plan.choice().chain().size() + " backup(s) in " + work + " (--use-memory="
                            + memory / (1024 * 1024) + "M)" + (plan.running() ? ", the replica still running" : "");
                });
            }
            if (plan.running()) {
                steps.run("stop", () -> {
                    command(r.stopCommand(), workLog);
                    Optional<String> still = ServerWait.untilStopped(plan.admin(), plan.guard(), serverWait);
                    if (still.isPresent()) {
                        // A refusal, not a failure: nothing was moved, and the fix is the operator's.
                        throw new UserError("replica " + plan.replicaName() + " at " + plan.admin().address()
                                + " " + still.get() + " " + serverWait.toSeconds() + "s after "
                                + Undo.shell(r.stopCommand()) + "; nothing was changed",
                                "make replicas." + plan.replicaName() + ".stop-command stop the server (or stop it "
                                        + "yourself), then run the restore again", UserError.USAGE);
                    }
                    return "stopped; nothing uses " + datadir;
                });
                done.stopped = true;
            }
            if (files.exists(datadir)) {
                steps.run("move-aside", () -> {
                    // Proven again right before the rename, whatever the plan found.
                    plan.guard().moveAside(asideTarget);
                    return "old datadir is now " + asideTarget;
                });
                done.aside = asideTarget;
                backups.restores().movedAside(instance, id, asideTarget.toString());
                out.println("  the old datadir is kept at " + asideTarget);
            }
            if (ahead != null) {
                moveBack(steps, ahead, datadir, workLog);
                ahead.close();
            } else {
                prepareThere(plan, steps, work, datadir, workLog);
            }
            if (r.osUser() != null) {
                steps.run("ownership", () -> {
                    files.chown(datadir, r.osUser());
                    return "owned by " + r.osUser();
                });
            }
            done.startBegun = true;
            steps.run("start", () -> {
                command(r.startCommand(), workLog);
                ServerProbe up = ServerWait.untilUp(plan.admin(), serverWait);
                if (!up.is(ServerProbe.State.UP)) {
                    throw new IOException("replica not answering " + serverWait.toSeconds() + "s after "
                            + Undo.shell(r.startCommand()) + ": " + up.error());
                }
                return "answering on " + plan.admin().address();
            });
            String summary;
            if (archived != null) {
                Replay.Plan replay = archived;
                Coordinates reached = steps.run("roll-forward", () -> ArchiveRollForward.apply(config, replay,
                        plan.admin(), until));
                steps.run("replication", () -> {
                    replication.attachStopped(plan, reached);
                    return "configured from " + reached + ", not started";
                });
                summary = "rolled forward from the binlog archive up to " + until + " (" + reached.gtid()
                        + "), replication configured but not started";
            } else {
                Coordinates stopAt = until == null ? null : steps.run("find-until", () -> {
                    Coordinates c = replication.untilPosition(plan, workLog.getParent());
                    return c;
                });
                steps.run("replication", () -> {
                    replication.attach(plan, stopAt);
                    return "from " + plan.from() + (stopAt == null ? "" : " until " + stopAt);
                });
                ReplicationState state = steps.run("catch-up", () -> replication.await(plan, stopAt));
                summary = until == null
                        ? "replicating from " + plan.primary().address() + " (" + state.describe() + ")"
                        : "applied up to " + until + " (" + stopAt + "), replication configured but stopped there";
            }
            backups.restores().finish(instance, id, "DONE", done.asideText(), summary, clock.instant());
            out.println("restore " + id + " DONE: replica " + plan.replicaName() + " from backup " + plan.backup().id()
                    + ", " + summary);
            return new RestoreOutcome(id, plan.backup().id(), done.aside, plan.choice().notes());
        } catch (DamagedLink damaged) {
            // Before the stop: nothing was changed. The backup (or its copy) is INVALID now.
            damaged.note = invalidate(plan, damaged);
            backups.restores().finish(instance, id, "REFUSED", null, "copy: " + damaged.note + "; nothing was changed",
                    clock.instant());
            out.println("  copy: " + damaged.note + "; nothing was changed, the replica was not stopped");
            out.flush();
            throw damaged;
        } catch (UserError refused) {
            if (done.aside == null && !done.stopped) {
                backups.restores().finish(instance, id, "REFUSED", null, steps.current() + ": " + refused.getMessage(),
                        clock.instant());
                throw refused;
            }
            // Once something was changed every error must say how to put it back.
            String reason = steps.current() + " failed: " + refused.getMessage();
            backups.restores().finish(instance, id, "FAILED", done.asideText(), reason, clock.instant());
            throw new UserError("restore " + id + " of replica " + plan.replicaName() + " FAILED at " + reason,
                    done.hint(plan, id), UserError.FAILED, refused);
        } catch (IOException | SQLException | InterruptedException | RuntimeException e) {
            String reason = steps.current() + (e instanceof InterruptedException ? " was interrupted" : " failed: "
                    + e.getMessage());
            // Recorded before the interrupt is restored: an interrupted thread cannot write the H2 file.
            backups.restores().finish(instance, id, "FAILED", done.asideText(), reason, clock.instant());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new UserError("restore " + id + " of replica " + plan.replicaName() + " FAILED at " + reason,
                    done.hint(plan, id), UserError.FAILED, e);
        }
    }

    /** A restore id (the time, by the second) no earlier restore of this instance has. */
    private String freshId(String instance) throws InterruptedException {
        String id = STAMP.format(LocalDateTime.now(clock));
        while (backups.restores().find(instance, id).isPresent()) {
            // A restore that chose again after a damaged backup, within the same second.
            Thread.sleep(100);
            id = STAMP.format(LocalDateTime.now(clock));
        }
        return id;
    }

    /**
     * The chain laid out in the working copy on this host, "data" then "incremental-N": a backup of
     * plain files copied with every file's checksum taken on the way (the backup read once), a
     * stored stream extracted (re-checked whole by the plan).
     */
    private List<Path> copy(RestorePlan plan, Scratch scratch) throws IOException {
        List<Path> copies = new ArrayList<>();
        List<BackupRecord> chain = plan.choice().chain();
        for (int i = 0; i < chain.size(); i++) {
            BackupRecord link = chain.get(i);
            String name = i == 0 ? "data" : "incremental-" + i;
            Path from = Path.of(link.path());
            if (plan.choice().checkedOnCopy().contains(link.id())) {
                Instant start = clock.instant();
                try {
                    copies.add(WorkingCopy.checkedCopy(from, scratch, name));
                } catch (WorkingCopy.Damaged d) {
                    throw new DamagedLink(link, d, start);
                }
            } else {
                copies.add(WorkingCopy.of(tool, from, scratch, name, config.schedule().runTimeout()));
            }
        }
        return copies;
    }

    /**
     * Marks what {@link #copy} found damaged: the backup INVALID (recorded as a failed checksum
     * level), or with {@code repositories:} the copy it was read from; returns the line that says so.
     */
    private String invalidate(RestorePlan plan, DamagedLink d) {
        RepositoryConfig r = plan.choice().readFrom().get(d.backupId);
        String found = d.damage.getMessage();
        if (r != null) {
            backups.copies().record(new BackupCopies.Copy(d.link.instance(), d.backupId, r.name(), r.url(),
                    BackupCopies.State.INVALID, clock.instant(), "failed its checksums as it was copied: " + found));
            d.backupInvalid = false;
            return "the " + (r.isLocal() ? "local" : "remote") + " copy of backup " + d.backupId + " in repository "
                    + r.name() + " failed its checksums as it was copied (" + found + "): marked INVALID";
        }
        BackupRecord after = new Verifier(config, backups, tool, clock).checksumsFailed(d.link, d.damage.problems(),
                d.start);
        d.backupInvalid = true;
        return "backup " + d.backupId + " failed its checksums as it was copied (" + after.reason() + "): marked INVALID";
    }

    /** A backup (or its copy) found damaged as it was copied; thrown before anything changed. */
    private static final class DamagedLink extends IOException {
        final BackupRecord link;
        final String backupId;
        final WorkingCopy.Damaged damage;
        final Instant start;
        String note;
        boolean backupInvalid;

        DamagedLink(BackupRecord link, WorkingCopy.Damaged damage, Instant start) {
            super("backup " + link.id() + " failed its checksums as it was copied: " + damage.getMessage(), damage);
            this.link = link;
            this.backupId = link.id();
            this.damage = damage;
            this.start = start;
        }
    }

    /** The working copy prepared next to the datadir on this host moved into it. */
    private void moveBack(RestoreSteps steps, Scratch scratch, Path datadir, Path workLog)
            throws IOException, SQLException, InterruptedException {
        steps.run("move-back", () -> {
            RepositoryLayout.createPrivateDir(datadir);
            List<String> argv = new EngineCommands(tool).moveBack(scratch.dir().resolve("data"), datadir);
            ProcessResult res = new ProcessRunner(argv, workLog, config.schedule().runTimeout()).run();
            if (!res.succeeded()) {
                throw new IOException(res.describe());
            }
            return "files in " + datadir;
        });
    }

    /**
     * The same on the replica's host: the stored streams sent there into {@code mbstream -x},
     * prepared and moved back by the engine found there.
     */
    private void prepareThere(RestorePlan plan, RestoreSteps steps, Path work, Path datadir, Path workLog)
            throws IOException, SQLException, InterruptedException {
        SshHost host = (SshHost) site.host();
        EngineTool there = host.locate(config.engine().tool());
        try (RemoteWorkCopy copy = RemoteWorkCopy.make(host, work)) {
            steps.run("prepare", () -> {
                String problem = copy.prepare(there, plan.choice().chain(), workLog, config.schedule().runTimeout());
                if (problem != null) {
                    throw new IOException(problem);
                }
                return "sent and prepared " + plan.choice().chain().size() + " backup(s) in " + work + " on "
                        + host.describe() + " (" + there + ")";
            });
            steps.run("move-back", () -> {
                var made = host.run(List.of("mkdir", "-m", "700", datadir.toString()), Duration.ofSeconds(30));
                if (!made.succeeded()) {
                    throw new IOException("mkdir " + datadir + " on " + host.describe() + ": " + made.output().strip());
                }
                List<String> argv = new EngineCommands(there).moveBack(copy.data(), datadir);
                ProcessResult res = new ProcessRunner(host, argv, workLog, config.schedule().runTimeout()).run();
                if (!res.succeeded()) {
                    throw new IOException(res.describe());
                }
                return "files in " + datadir + " on " + host.describe();
            });
        }
    }

    private void command(List<String> argv, Path logFile) throws IOException {
        ProcessResult r = new ProcessRunner(site.host(), argv, logFile, serverWait).run();
        if (!r.succeeded()) {
            throw new IOException(r.describe());
        }
    }

    /** Records each step with its duration; remembers which one is running for the error message. */
}
