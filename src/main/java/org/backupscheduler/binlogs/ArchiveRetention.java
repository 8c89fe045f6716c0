package org.backupscheduler.binlogs;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BinlogFileRecord;

/**
 * Which archived binlogs no kept backup needs: a backup rolls forward from its own binlog file
 * (its coordinates), so every sealed file before the oldest such file of a backup still on disk
 * can go, and nothing from it on. With no kept backup that names a file, nothing goes: an archive
 * is never emptied because retention removed the backups (or none was taken yet).
 */
public final class ArchiveRetention {
    /** Rows whose data is gone or never was: they need no binlog. */
    private static final Set<BackupStatus> WITHOUT_DATA = Set.of(BackupStatus.EXPIRED, BackupStatus.FAILED,
            BackupStatus.SKIPPED);

    private ArchiveRetention() {
    }

    /** The sealed files, in the archive's order, that may be removed. */
    public static List<String> removable(List<BackupRecord> backups, List<BinlogFileRecord> archived) {
        Optional<String> oldestNeeded = backups.stream().filter(b -> !WITHOUT_DATA.contains(b.status()))
                .map(b -> b.coordinates().binlogFile()).filter(f -> f != null && BinlogName.parse(f).isPresent())
                .min(ArchiveRetention::compare);
        if (oldestNeeded.isEmpty()) {
            return List.of();
        }
        BinlogName needed = BinlogName.parse(oldestNeeded.get()).orElseThrow();
        return archived.stream().filter(BinlogFileRecord::sealed).map(BinlogFileRecord::fileName)
                .filter(f -> BinlogName.parse(f).map(n -> n.before(needed)).orElse(false)).toList();
    }

    private static int compare(String a, String b) {
        BinlogName x = BinlogName.parse(a).orElseThrow();
        BinlogName y = BinlogName.parse(b).orElseThrow();
        return x.base().equals(y.base()) ? Long.compare(x.number(), y.number()) : a.compareTo(b);
    }

    /**
     * {@code base.NNNNNN}. A file of another base (the server's log-basename changed) is never
     * "before" one of this base: it stays.
     */
    record BinlogName(String base, long number) {
        static Optional<BinlogName> parse(String name) {
            int dot = name.lastIndexOf('.');
            if (dot <= 0 || dot == name.length() - 1) {
                return Optional.empty();
            }
            String digits = name.substring(dot + 1);
            if (!digits.chars().allMatch(Character::isDigit) || digits.length() > 18) {
                return Optional.empty();
            }
            return Optional.of(new BinlogName(name.substring(0, dot), Long.parseLong(digits)));
        }

        boolean before(BinlogName other) {
            return base.equals(other.base) && number < other.number;
        }
    }
}
