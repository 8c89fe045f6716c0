package org.backupscheduler.schedule;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.catalog.BackupPins;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.ExpiredReason;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.BackupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the retention policy: folders removed, rows kept as EXPIRED with the date and why.
 * Only what this tool made is removed, and only through {@link OwnedFolders}: the folder
 * {@code <instance>/<id>} of the row's id, never the path a row names. An imported hotcopy
 * (type LEGACY) only loses its row and our record of it: its folder was never ours.
 */
public final class Expirer {
    private static final Logger log = LoggerFactory.getLogger(Expirer.class);

    private final BackupConfig config;
    private final Backups backups;
    private final Clock clock;

    public Expirer(BackupConfig config, Backups backups, Clock clock) {
        this.config = config;
        this.backups = backups;
        this.clock = clock;
    }

    /** What retention removes now; nothing is touched when {@code dryRun}. */
    public List<String> expire(boolean dryRun) throws IOException {
        List<BackupRecord> all = backups.all(config.instance());
        if (config.hasCopies()) {
            return new CopyRetention(config, backups, clock).expire(all, dryRun);
        }
        BackupPins pins = backups.pins();
        Map<String, String> pinned = pins.active(config.instance());
        RetentionPolicy policy = new RetentionPolicy(config.retention(), ZoneId.systemDefault());
        Map<BackupRecord, String> doomed = policy.toExpire(all, pinned.keySet());
        if (!pinned.isEmpty()) {
            // Which backups only a pin keeps: the policy once more without the pins (none: nothing to say).
            policy.toExpire(all).keySet().stream().filter(b -> pinned.containsKey(b.id()))
                    .forEach(b -> log.info("keeping backup {} past retention: pinned by {}", b.id(),
                            pinned.get(b.id())));
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<BackupRecord, String> e : doomed.entrySet()) {
            BackupRecord b = e.getKey();
            if (dryRun) {
                lines.add(b.id() + " " + b.status() + ": " + e.getValue());
            } else if (expireOne(b, e.getValue(), pins)) {
                lines.add(b.id() + " " + b.status() + ": " + e.getValue());
            }
        }
        return lines;
    }

    /** Expires one backup; false when it is kept after all (pinned meanwhile, or not ours to remove). */
    private boolean expireOne(BackupRecord b, String why, BackupPins pins) throws IOException {
        boolean legacy = b.type() == BackupType.LEGACY;
        // The old status and reason stay readable first: an INVALID backup expired an hour later
        // must still tell the report why it was INVALID.
        String reason = new ExpiredReason(b.status(), b.reason(), clock.instant() + ": " + why
                + (legacy ? "; the hotcopy folder " + b.path() + " was never ours and stays" : "")).text();
        // The row says EXPIRED before the pins are read again: a reader pins first and then reads
        // the row, so either it sees EXPIRED and stops, or its pin is seen here and the row is put back.
        backups.update(b.withStatus(BackupStatus.EXPIRED, reason));
        String holder = pins.active(config.instance()).get(b.id());
        if (holder != null) {
            backups.update(b);
            log.info("keeping backup {}: pinned by {} just now", b.id(), holder);
            return false;
        }
        try {
            // A LEGACY row's folder here holds only our record of the import; its own path is never touched.
            OwnedFolders.deleteBackup(config.instanceDir(), b.id());
        } catch (OwnedFolders.Refused refused) {
            backups.update(b);
            log.warn("backup {} not expired: {}", b.id(), refused.getMessage());
            return false;
        }
        Path ours = config.instanceDir().resolve(b.id()).toAbsolutePath().normalize();
        if (!legacy && !Path.of(b.path()).toAbsolutePath().normalize().equals(ours)) {
            log.warn("backup {}: its row names {}, not {}; only the latter is ours to remove, the other stays",
                    b.id(), b.path(), ours);
        }
        log.info("expired backup {} ({}): {}", b.id(), b.status(), why);
        return true;
    }
}
