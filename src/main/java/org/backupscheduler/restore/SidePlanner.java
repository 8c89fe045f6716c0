package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.backupscheduler.UserError;
import org.backupscheduler.binlogs.BinlogStore;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.replication.PrimaryBinlogs;
import org.backupscheduler.server.Endpoints;

/**
 * Decides a side restore and writes nothing: the folder, the backup (never one past the
 * target), its coordinates, where the events come from and that it still has them, the room.
 */
final class SidePlanner {
    private static final DateTimeFormatter STAMP_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final BackupConfig config;
    private final Backups backups;
    private final EngineTool tool;
    private final Secrets secrets;
    private final Clock clock;

    SidePlanner(BackupConfig config, Backups backups, EngineTool tool, Secrets secrets, Clock clock) {
        this.config = config;
        this.backups = backups;
        this.tool = tool;
        this.secrets = secrets;
        this.clock = clock;
    }

    SidePlan plan(SideRestore.Request request) throws IOException {
        Path dir = request.dir().toAbsolutePath().normalize();
        // DIR first: a typo'd --to must not cost a re-check of the backups before it is refused.
        SideFolder.refuseUnusable(dir, config);
        RecoveryTarget target = new RecoveryTarget(request.until(), request.untilGtid());
        BackupChoice choice = choose(request, target);
        List<String> notes = new ArrayList<>(choice.notes());
        Coordinates from = target.isNone() ? Coordinates.NONE : coordinates(choice.backup());
        EventSource events = target.isNone() ? null : events(request.replica(), choice.backup(), from, target);
        try {
            if (request.until() != null && request.until().isAfter(LocalDateTime.now(clock.withZone(
                    ZoneId.systemDefault())))) {
                notes.add(target.describe() + " is in the future: every event the primary has is applied");
            }
            SideFolder.refuseShortOfSpace(dir, choice);
        } catch (IOException | RuntimeException e) {
            if (events != null) {
                events.close();
            }
            throw e;
        }
        return new SidePlan(dir, new BackupChoice(choice.chain(), notes), from, target, events, request.serve(),
                steps(dir, choice, from, target, events, request.serve()));
    }

    /** The newest valid backup before the target (or the one named), never one already past it. */
    private BackupChoice choose(SideRestore.Request request, RecoveryTarget target) throws IOException {
        Instant until = request.until() == null ? null : request.until().atZone(ZoneId.systemDefault()).toInstant();
        if (request.untilGtid() != null && request.backupId() == null) {
            // The newest backup not past the GTID: the choice then takes it (or an older one).
            until = lastFinishedAtOrBefore(request.untilGtid());
        }
        BackupChoice choice = BackupChoice.choose(config, backups, tool, request.backupId(), until);
        refusePastTarget(choice.backup(), target);
        return choice;
    }

    /** Where in the primary's binlog the events after the backup begin. */
    private Coordinates coordinates(BackupRecord backup) {
        try {
            return RestoreCoordinates.of(backup, backups.sources().find(backup.instance(), backup.id()));
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage() + "; no roll-forward possible, nothing was written",
                    "restore without --until, or a backup taken with binlogs on", UserError.FAILED);
        }
    }

    /** The source of the events, once it is known to have them all, from the backup to the target. */
    private EventSource events(String replica, BackupRecord backup, Coordinates from, RecoveryTarget target)
            throws IOException {
        EventSource events = null;
        String missing;
        try {
            events = eventSource(replica, backup);
            missing = events.missing(from);
        } catch (UserError unreachable) {
            // The primary is not configured for this, or does not answer: the archive may still serve.
            if (!config.binlogs().on()) {
                throw unreachable;
            }
            missing = unreachable.getMessage();
        }
        if (missing != null && config.binlogs().on()) {
            // The primary purged them: the repository's binlog archive may still hold them.
            EventSource archive = archiveEvents();
            String notArchived = archive.missing(from);
            if (notArchived == null) {
                if (events != null) {
                    events.close();
                }
                events = archive;
                missing = null;
            } else {
                archive.close();
                missing = missing + "; nor can the binlog archive: " + notArchived;
            }
        }
        try {
            if (missing != null) {
                throw new UserError(missing + ": backup " + backup.id() + " cannot be rolled forward to "
                        + target.describe() + " (no roll-forward possible); nothing was written",
                        "choose an older target ('backup list' shows the backups) or a newer backup with --id",
                        UserError.FAILED);
            }
            String beyond = events.beyond(target);
            if (beyond != null) {
                throw new UserError(beyond + ": the target was never reached; nothing was written",
                        "check the GTID (the runbook shows how to find it in the binlog)", UserError.USAGE);
            }
            return events;
        } catch (IOException | RuntimeException e) {
            if (events != null) {
                events.close();
            }
            throw e;
        }
    }

    private static List<String> steps(Path dir, BackupChoice choice, Coordinates from, RecoveryTarget target,
                                      EventSource events, boolean serve) {
        List<String> steps = new ArrayList<>();
        steps.add("use backup " + choice.backup().id() + (choice.chain().size() > 1 ? " (chain of "
                + choice.chain().size() + ", full " + choice.chain().get(0).id() + ")" : "")
                + ", re-checked against its manifest just now");
        steps.add((Files.exists(dir) ? "use the empty folder " : "create ") + dir + " (0700)");
        steps.add("prepare a working copy beside it (the stored backup is not touched) and move it into " + dir);
        if (!target.isNone()) {
            steps.add("start a server on " + dir + ": no TCP, socket " + SideServer.socket(dir) + ", grant tables "
                    + "skipped");
            steps.add("apply the events after " + from + " up to " + target.describe() + ", read from "
                    + events.describe());
            steps.add("stop that server cleanly");
        }
        steps.add(serve ? "start a server on " + dir + " with the backup's own accounts, socket "
                + SideServer.socket(dir) + " only, and leave it running" : "leave " + dir + " as a datadir "
                + "'mariadbd --datadir=" + dir + "' starts on");
        steps.add("no configured server is stopped, moved or re-pointed");
        return steps;
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

    private EventSource archiveEvents() throws IOException {
        return new ArchiveEvents(BinlogStore.open(config),
                backups.binlogFiles(), config.instance(), config.repository().scratch());
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
}
