package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.binlogs.BinlogStore;
import org.backupscheduler.binlogs.Replay;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.BinlogFiles;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.server.Endpoint;

/**
 * {@code restore --until} when the primary no longer has the binlogs from the backup on: the
 * restored replica is rolled forward from the binlog archive instead — the archived events from
 * the backup's GTID position to the last one before {@code --until} — and replication is then
 * configured from where that stopped, but not started.
 */
final class ArchiveRollForward {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ArchiveRollForward() {
    }

    /**
     * The archived files that replay {@code from} past {@code until}; refuses (exit 1) when the
     * backup has no GTID, the archive does not hold every event from it, or ends before until.
     */
    static Replay.Plan check(BinlogFiles index, String instance, Coordinates from, LocalDateTime until) {
        if (from.gtid() == null) {
            throw new UserError("the backup has no GTID position, which a roll forward from the binlog archive "
                    + "starts at", "take a backup of a server with GTIDs (MariaDB always has them)", UserError.FAILED);
        }
        List<BinlogFileRecord> rows = index.list(instance);
        Replay.Plan plan = Replay.plan(rows, from.gtid());
        Instant target = until.atZone(ZoneId.systemDefault()).toInstant();
        Instant newest = plan.files().stream().map(BinlogFileRecord::lastEventAt).filter(t -> t != null)
                .max(Instant::compareTo).orElse(null);
        if (newest == null || newest.isBefore(target)) {
            throw new UserError("the binlog archive's newest sealed event is " + (newest == null ? "none after the "
                    + "backup's position " + from.gtid() : "at " + newest) + ", before --until " + until
                    + ": the events up to it are not archived (yet)", "run bin/backup binlogs pull --once (the open "
                    + "file is sealed once the server rotates it: FLUSH BINARY LOGS), or choose an earlier --until",
                    UserError.FAILED);
        }
        return plan;
    }

    /** Replays the plan's events before {@code until} on the started replica; returns where it stopped. */
    static Coordinates apply(BackupConfig config, Replay.Plan plan, Endpoint replica, LocalDateTime until)
            throws IOException {
        Path work = config.repository().scratch().resolve("bs-rollforward-"
                + HexFormat.of().formatHex(RANDOM.generateSeed(6)));
        OwnedFolders.makeScratch(work);
        try (BinlogStore store = BinlogStore.open(config)) {
            Replay.Reached reached = Replay.applyUntil(store, plan, replica, work, until);
            if (!reached.result().succeeded()) {
                throw new IOException("replaying the archived binlogs failed: " + reached.result().describe());
            }
            return new Coordinates(null, null, reached.gtids());
        } finally {
            OwnedFolders.deleteScratch(work);
        }
    }
}
