package org.backupscheduler.binlogs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.Catalog;

/**
 * What the archive covers, from the index: the archived range (oldest and newest event, with
 * GTIDs), the recovery point (the newest archived event's age: what a loss of the server now
 * would lose, at most), the gaps, the size, and the recoverable window — from the oldest VERIFIED
 * backup the archive can roll forward from, to the newest archived event.
 */
public record BinlogStatus(String instance, int files, int sealed, long sizeBytes, List<BinlogFileRecord> rows,
                           Duration recoveryPoint, List<Gap> gaps, Window window) {

    /** Any second in [from, to] can be restored: {@code backup}, then the archived events up to it. */
    public record Window(String backup, Instant from, Instant to) {
    }

    public static BinlogStatus read(Catalog catalog, String instance, Instant now) {
        List<BinlogFileRecord> rows = catalog.binlogFiles().list(instance);
        List<Gap> gaps = Gap.find(rows);
        Instant newest = rows.stream().map(BinlogFileRecord::lastEventAt).filter(t -> t != null)
                .max(Comparator.naturalOrder()).orElse(null);
        Duration rp = newest == null ? null : Duration.between(newest, now).isNegative() ? Duration.ZERO
                : Duration.between(newest, now);
        // The VERIFIED rows only when there is an archive to roll forward over: an instance without
        // one (binlogs off) read its every VERIFIED row for each report (10,000 of them at fleet scale).
        Window window = window(() -> catalog.backups().listByStatus(instance, BackupStatus.VERIFIED), rows, gaps,
                newest);
        return new BinlogStatus(instance, rows.size(), (int) rows.stream().filter(BinlogFileRecord::sealed).count(),
                rows.stream().mapToLong(BinlogFileRecord::sizeBytes).sum(), rows, rp, gaps, window);
    }

    /**
     * The oldest VERIFIED backup whose binlog file is archived with no gap after it; null when
     * none is (then only the backups' own moments can be restored).
     */
    static Window window(Supplier<List<BackupRecord>> verifiedNewestFirst, List<BinlogFileRecord> rows,
                         List<Gap> gaps, Instant newest) {
        if (rows.isEmpty() || newest == null) {
            return null;
        }
        // Only the files after the last gap are one unbroken run of events.
        String runStart = gaps.isEmpty() ? rows.get(0).fileName() : gaps.get(gaps.size() - 1).before();
        String runEnd = rows.get(rows.size() - 1).fileName();
        List<BackupRecord> oldestFirst = new ArrayList<>(verifiedNewestFirst.get());
        java.util.Collections.reverse(oldestFirst);
        for (BackupRecord b : oldestFirst) {
            String file = b.coordinates().binlogFile();
            if (file != null && file.compareTo(runStart) >= 0 && file.compareTo(runEnd) <= 0
                    && b.finishedAt() != null && !b.finishedAt().isAfter(newest)) {
                return new Window(b.id(), b.finishedAt(), newest);
            }
        }
        return null;
    }

    public BinlogFileRecord oldest() {
        return rows.isEmpty() ? null : rows.get(0);
    }

    public BinlogFileRecord newest() {
        return rows.isEmpty() ? null : rows.get(rows.size() - 1);
    }

    /** The GTID state after the newest archived event: the newest file's starting list with its own events over it. */
    public String newestGtids() {
        BinlogFileRecord n = newest();
        if (n == null) {
            return null;
        }
        Map<Long, Gtid> state = BinlogScan.byDomain(Gtid.parseList(n.gtidListStart()));
        state.putAll(BinlogScan.byDomain(Gtid.parseList(n.lastGtids())));
        return Gtid.format(state.values());
    }

    public boolean healthy() {
        return gaps.isEmpty();
    }

    /** The JSON of {@code binlogs status --json}: field names are a contract (docs/binlogs.md). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", instance);
        m.put("files", files);
        m.put("sealed_files", sealed);
        m.put("size_bytes", sizeBytes);
        BinlogFileRecord o = oldest();
        BinlogFileRecord n = newest();
        m.put("oldest_file", o == null ? null : o.fileName());
        m.put("oldest_event_at", o == null || o.firstEventAt() == null ? null : o.firstEventAt().toString());
        m.put("oldest_gtids", o == null ? null : o.firstGtids());
        m.put("newest_file", n == null ? null : n.fileName());
        m.put("newest_file_sealed", n == null ? null : n.sealed());
        m.put("newest_event_at", n == null || n.lastEventAt() == null ? null : n.lastEventAt().toString());
        m.put("newest_gtids", n == null ? null : newestGtids());
        m.put("recovery_point_seconds", recoveryPoint == null ? null : recoveryPoint.toSeconds());
        List<Map<String, Object>> g = new ArrayList<>();
        for (Gap gap : gaps) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("after", gap.after());
            gm.put("before", gap.before());
            gm.put("missing_files", gap.missingFiles());
            gm.put("missing_gtids", gap.missingGtids());
            gm.put("describe", gap.describe());
            g.add(gm);
        }
        m.put("gaps", g);
        Map<String, Object> w = null;
        if (window != null) {
            w = new LinkedHashMap<>();
            w.put("backup", window.backup());
            w.put("from", window.from().toString());
            w.put("to", window.to().toString());
        }
        m.put("recoverable_window", w);
        return m;
    }
}
