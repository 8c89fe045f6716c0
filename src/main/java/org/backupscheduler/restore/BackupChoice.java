package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.verify.Chain;
import org.backupscheduler.verify.ChecksumCheck;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.Verifier;

/**
 * Which backup a restore uses: the given one, or the newest VERIFIED one (before {@code until}),
 * each link of its chain re-checked against its manifest right now. A backup that fails the
 * re-check becomes INVALID and the next VERIFIED one is taken — a damaged backup is never
 * restored — and one note says so ("fell back to backup ..."). retention.min-verified keeps
 * that next one even when the hourly buckets would not.
 */
record BackupChoice(List<BackupRecord> chain, List<String> notes, Set<String> checkedOnCopy,
                    Map<String, RepositoryConfig> readFrom) {

    BackupChoice(List<BackupRecord> chain, List<String> notes) {
        this(chain, notes, Set.of(), Map.of());
    }

    BackupRecord backup() {
        return chain.get(chain.size() - 1);
    }

    /** Every link's checksums are taken as the restore copies it: none was read whole yet. */
    boolean allCheckedOnCopy() {
        return chain.stream().allMatch(b -> checkedOnCopy.contains(b.id()));
    }

    static BackupChoice choose(BackupConfig config, Backups backups, EngineTool tool, String id, Instant until)
            throws IOException {
        return choose(config, backups, tool, id, until, false, Map.of());
    }

    /**
     * As {@link #choose(BackupConfig, Backups, EngineTool, String, Instant)}; with
     * {@code checksumsOnCopy} a backup of plain files has its structure and sizes re-checked here
     * and its checksums as the restore copies it ({@link #checkedOnCopy}), the backup read once.
     * {@code damagedEarlier}: backup id → what that copy found, for backups this restore already
     * found damaged and marked INVALID: the note says it fell back from them.
     */
    static BackupChoice choose(BackupConfig config, Backups backups, EngineTool tool, String id, Instant until,
            boolean checksumsOnCopy, Map<String, String> damagedEarlier) throws IOException {
        Verifier recheck = new Verifier(config, backups, tool, Clock.systemUTC());
        List<String> notes = new ArrayList<>();
        List<BackupRecord> candidates;
        if (id != null) {
            BackupRecord b = backups.find(config.instance(), id).orElseThrow(() -> new UserError(
                    "no backup '" + id + "' of instance " + config.instance() + " in the catalog",
                    "'backup list' shows the ids", UserError.USAGE));
            if (b.status() != BackupStatus.VERIFIED) {
                throw new UserError("backup " + id + " is " + b.status() + ", not VERIFIED: it is not restored",
                        "'backup verify " + id + "' proves it, or use --latest", UserError.USAGE);
            }
            candidates = List.of(b);
        } else {
            candidates = backups.listByStatus(config.instance(), BackupStatus.VERIFIED).stream()
                    .filter(b -> until == null || b.finishedAt() != null && !b.finishedAt().isAfter(until))
                    .toList();
            newerUnusable(backups, config.instance(), candidates, until, notes, damagedEarlier.keySet());
        }
        List<String> damagedNewer = new ArrayList<>(damagedEarlier.values());
        for (BackupRecord candidate : candidates) {
            List<BackupRecord> chain;
            try {
                chain = Chain.of(backups, candidate);
            } catch (IllegalStateException e) {
                notes.add("backup " + candidate.id() + " skipped: " + e.getMessage());
                continue;
            }
            String damaged = null;
            List<BackupRecord> read = new ArrayList<>();
            List<String> used = new ArrayList<>();
            Set<String> onCopy = new HashSet<>();
            Map<String, RepositoryConfig> from = new HashMap<>();
            for (BackupRecord link : chain) {
                if (config.hasCopies()) {
                    // [repositories] the first intact copy, local first; the backup fails only with none.
                    CopyReading copy = CopyReading.choose(config, backups, recheck, link, checksumsOnCopy);
                    if (copy.folder() == null) {
                        backups.update(link.withStatus(BackupStatus.INVALID, "no intact copy: " + copy.said()));
                        damaged = "backup " + link.id() + " has no intact copy now (" + copy.said()
                                + "): marked INVALID";
                        break;
                    }
                    read.add(link.withPath(copy.folder().toString()));
                    used.add(copy.said());
                    from.put(link.id(), copy.repository());
                    if (checksumsOnCopy && Verifier.checksumsOnCopy(copy.folder())) {
                        onCopy.add(link.id());
                    }
                    continue;
                }
                boolean later = checksumsOnCopy && Verifier.checksumsOnCopy(Path.of(link.path()));
                var outcome = recheck.verify(link, later ? EnumSet.of(Level.STRUCTURE)
                        : EnumSet.of(Level.STRUCTURE, Level.CHECKSUM));
                String reason = outcome.valid() ? null : outcome.after().reason();
                if (reason == null && later) {
                    // Every file there and of its size now; the engine's files summed as they are copied.
                    Instant start = Instant.now();
                    List<String> problems = ChecksumCheck.problemsButDataChecksums(Path.of(link.path()));
                    reason = problems.isEmpty() ? null : recheck.checksumsFailed(link, problems, start).reason();
                }
                if (reason != null) {
                    damaged = "backup " + link.id() + " failed its re-check now (" + reason + "): marked INVALID";
                    break;
                }
                read.add(link);
                if (later) {
                    onCopy.add(link.id());
                }
            }
            if (damaged != null) {
                damagedNewer.add(damaged);
                continue;
            }
            if (!damagedNewer.isEmpty()) {
                // One line: which backup is used instead of the newest, and why.
                notes.add("fell back to backup " + candidate.id() + ", the next VERIFIED one: "
                        + String.join("; ", damagedNewer));
            }
            notes.addAll(used);
            return new BackupChoice(read, notes, onCopy, from);
        }
        notes.addAll(damagedNewer);
        throw new UserError("no valid backup of " + config.instance() + " to restore"
                + (until == null ? "" : " from before " + until) + (notes.isEmpty() ? "" : ": " + String.join("; ", notes)),
                "take one with 'backup run' (it is verified right after)", UserError.FAILED);
    }

    /** Says which newer backups are passed over, and why: the operator must not wonder. */
    private static void newerUnusable(Backups backups, String instance, List<BackupRecord> valid, Instant until,
                                      List<String> notes, Set<String> saidElsewhere) {
        Instant newestValid = valid.isEmpty() ? Instant.EPOCH : valid.get(0).startedAt();
        for (BackupRecord b : backups.list(instance, 20, 0)) {
            if (!b.startedAt().isAfter(newestValid)) {
                break;
            }
            if (until != null && b.finishedAt() != null && b.finishedAt().isAfter(until)
                    || saidElsewhere.contains(b.id())) {
                continue;
            }
            if (EnumSet.of(BackupStatus.INVALID, BackupStatus.STALE, BackupStatus.COMPLETED).contains(b.status())) {
                notes.add("newest backup " + b.id() + " is " + b.status()
                        + (b.reason() == null ? "" : " (" + b.reason() + ")") + ": not used");
            }
        }
    }
}
