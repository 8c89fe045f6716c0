package org.backupscheduler.schedule;

import java.io.IOException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.backup.RepositoryCopy;
import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupPins;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.ExpiredReason;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention with several repositories ({@code repositories:}): each repository's own retention
 * (its {@code retention:}, else the top-level one) applied to the backups it holds a copy of, by
 * the same {@link RetentionPolicy}; a copy it does not keep is removed there alone (through
 * {@link OwnedFolders}) and recorded REMOVED. A backup's row becomes EXPIRED only when no copy
 * of it is left. Pinned backups (being read) keep every copy.
 */
final class CopyRetention {
    private static final Logger log = LoggerFactory.getLogger(CopyRetention.class);

    private final BackupConfig config;
    private final Backups backups;
    private final Clock clock;

    CopyRetention(BackupConfig config, Backups backups, Clock clock) {
        this.config = config;
        this.backups = backups;
        this.clock = clock;
    }

    /** What retention removes now, one line per copy (and per row expired); nothing is touched when {@code dryRun}. */
    List<String> expire(List<BackupRecord> all, boolean dryRun) throws IOException {
        BackupPins pins = backups.pins();
        Set<String> pinned = pins.active(config.instance()).keySet();
        Map<String, Set<String>> held = held(all);
        List<String> lines = new ArrayList<>();
        for (RepositoryConfig r : config.copies()) {
            List<BackupRecord> there = all.stream().filter(b -> held.get(b.id()).contains(r.name())).toList();
            RetentionPolicy policy = new RetentionPolicy(r.retentionOr(config.retention()), ZoneId.systemDefault());
            for (Map.Entry<BackupRecord, String> e : policy.toExpire(there, pinned).entrySet()) {
                BackupRecord b = e.getKey();
                if (!dryRun && !removeCopy(b, r, e.getValue(), pins)) {
                    continue;
                }
                lines.add(b.id() + " " + b.status() + ": the copy in " + r.name() + " removed: " + e.getValue());
                Set<String> left = held.get(b.id());
                left.remove(r.name());
                if (left.isEmpty()) {
                    if (!dryRun) {
                        backups.update(b.withStatus(BackupStatus.EXPIRED, new ExpiredReason(b.status(), b.reason(),
                                clock.instant() + ": no copy left (" + e.getValue() + ")").text()));
                        log.info("expired backup {} ({}): no copy left", b.id(), b.status());
                    }
                    lines.add(b.id() + " " + b.status() + ": no copy left, expired");
                }
            }
        }
        return lines;
    }

    /** By backup id, the repositories holding a copy (STORED or INVALID); a backup without copy rows: the primary. */
    private Map<String, Set<String>> held(List<BackupRecord> all) {
        Map<String, Set<String>> held = new HashMap<>();
        for (BackupRecord b : all) {
            Set<String> names = new LinkedHashSet<>();
            if (b.status() != BackupStatus.EXPIRED) {
                List<BackupCopies.Copy> copies = backups.copies().of(b.instance(), b.id());
                if (copies.isEmpty()) {
                    names.add(config.copies().get(0).name());
                }
                copies.stream().filter(c -> c.state() != BackupCopies.State.REMOVED)
                        .forEach(c -> names.add(c.repository()));
            }
            held.put(b.id(), names);
        }
        return held;
    }

    /** Removes one copy; false when it stays after all (pinned meanwhile, or not ours to remove). */
    private boolean removeCopy(BackupRecord b, RepositoryConfig r, String why, BackupPins pins) throws IOException {
        String holder = pins.active(config.instance()).get(b.id());
        if (holder != null) {
            log.info("keeping the copy of backup {} in {}: pinned by {} just now", b.id(), r.name(), holder);
            return false;
        }
        try {
            RepositoryCopy.remove(config, b.id(), r);
        } catch (OwnedFolders.Refused refused) {
            log.warn("the copy of backup {} in {} not removed: {}", b.id(), r.name(), refused.getMessage());
            return false;
        }
        backups.copies().record(new BackupCopies.Copy(b.instance(), b.id(), r.name(), r.url(),
                BackupCopies.State.REMOVED, clock.instant(), why));
        log.info("removed the copy of backup {} in repository {} ({}): {}", b.id(), r.name(), r.url(), why);
        return true;
    }
}
