package org.backupscheduler.schedule;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.config.RetentionConfig;

/**
 * Which backups retention removes: pure, so every rule is tested on its own. Kept, always:
 * <ul>
 * <li>the newest VERIFIED backup, and the newest VERIFIED backup of each of the newest
 * {@code hourly} hours, {@code daily} days and {@code weekly} ISO weeks that have one;
 * <li>the newest {@code min-verified} VERIFIED backups, whatever the buckets say: a restore that
 * finds the newest damaged needs another to fall back on;
 * <li>every pinned backup: a restore, a verification or the drill is reading it;
 * <li>every backup a kept incremental needs (its parents, up to the full);
 * <li>anything RUNNING, and anything newer than the newest VERIFIED backup (not yet judged);
 * <li>rows without a folder to remove: EXPIRED, SKIPPED, LEGACY.
 * </ul>
 * Everything else (older VERIFIED beyond the windows, older FAILED/INVALID/STALE/COMPLETED
 * leftovers) is expired: its folder removed, its row kept as EXPIRED with the date.
 */
public final class RetentionPolicy {
    private static final Set<BackupStatus> NOTHING_TO_REMOVE = EnumSet.of(BackupStatus.EXPIRED, BackupStatus.SKIPPED,
            BackupStatus.LEGACY, BackupStatus.RUNNING);

    private final RetentionConfig config;
    private final ZoneId zone;

    public RetentionPolicy(RetentionConfig config, ZoneId zone) {
        this.config = config;
        this.zone = zone;
    }

    /** The backups to expire, with why each is not kept; {@code all} newest first. */
    public Map<BackupRecord, String> toExpire(List<BackupRecord> all) {
        return toExpire(all, Set.of());
    }

    /** As {@link #toExpire(List)}, keeping the {@code pinned} ids (and what they need) too. */
    public Map<BackupRecord, String> toExpire(List<BackupRecord> all, Set<String> pinned) {
        List<BackupRecord> verified = all.stream().filter(b -> b.status() == BackupStatus.VERIFIED).toList();
        Set<String> keep = new LinkedHashSet<>(pinned);
        verified.stream().limit(Math.max(1, config.minVerified())).forEach(b -> keep.add(b.id()));
        keepNewestPer(verified, config.hourly(), t -> t.truncatedTo(ChronoUnit.HOURS).toString(), keep);
        keepNewestPer(verified, config.daily(), t -> t.toLocalDate().toString(), keep);
        keepNewestPer(verified, config.weekly(),
                t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), keep);
        // Chains stay whole: a kept incremental keeps its parents.
        Map<String, BackupRecord> byId = new HashMap<>();
        all.forEach(b -> byId.put(b.id(), b));
        for (String id : new ArrayList<>(keep)) {
            BackupRecord b = byId.get(id);
            while (b != null && b.parentId() != null) {
                keep.add(b.parentId());
                b = byId.get(b.parentId());
            }
        }
        Map<BackupRecord, String> expire = new LinkedHashMap<>();
        BackupRecord newestVerified = verified.isEmpty() ? null : verified.get(0);
        // One text per status, not one per row (a fleet's instance has 10,000 rows).
        String outside = "outside retention (hourly " + config.hourly() + ", daily " + config.daily() + ", weekly "
                + config.weekly() + ", min-verified " + config.minVerified() + ")";
        Map<BackupStatus, String> older = new java.util.EnumMap<>(BackupStatus.class);
        for (BackupRecord b : all) {
            if (keep.contains(b.id()) || NOTHING_TO_REMOVE.contains(b.status())) {
                continue;
            }
            if (newestVerified == null || !b.startedAt().isBefore(newestVerified.startedAt())) {
                continue;
            }
            expire.put(b, b.status() == BackupStatus.VERIFIED ? outside : older.computeIfAbsent(b.status(),
                    s -> s + " and older than the newest VERIFIED backup " + newestVerified.id()));
        }
        return expire;
    }

    private void keepNewestPer(List<BackupRecord> verified, int count, Function<ZonedDateTime, String> bucket,
                               Set<String> keep) {
        Set<String> seen = new LinkedHashSet<>();
        for (BackupRecord b : verified) {
            if (seen.size() >= count && !seen.contains(bucket.apply(b.startedAt().atZone(zone)))) {
                break;
            }
            if (seen.add(bucket.apply(b.startedAt().atZone(zone)))) {
                keep.add(b.id());
            }
        }
    }
}
