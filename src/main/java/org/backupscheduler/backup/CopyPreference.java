package org.backupscheduler.backup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.config.RepositoryConfig;

/**
 * In which order a restore tries the copies of a backup ({@code repositories:}): pure, so the
 * policy is tested on its own. Local folders first (a restore from the disk beside it is the fast
 * one), then the others, each group in the config's order. A copy whose row says INVALID or
 * REMOVED is not tried by a restore, and a repository no longer in the config cannot be. A backup with no
 * copy rows (taken before the config had {@code repositories:}) lies in the primary alone.
 */
public record CopyPreference(List<RepositoryConfig> order, List<String> passedOver) {

    /**
     * What {@code verify} checks: every copy not REMOVED — an INVALID one too, which becomes
     * STORED again when it passes (a folder that was only unmounted) — in the same order, or only
     * the one in repository {@code only} when not null.
     */
    public static List<RepositoryConfig> toCheck(List<RepositoryConfig> configured, List<BackupCopies.Copy> copies,
            String only) {
        List<BackupCopies.Copy> again = copies.stream().map(c -> c.state() == BackupCopies.State.INVALID
                ? new BackupCopies.Copy(c.instance(), c.backupId(), c.repository(), c.url(), BackupCopies.State.STORED,
                        c.changedAt(), null) : c).toList();
        return of(configured, again).order().stream().filter(r -> only == null || only.equals(r.name())).toList();
    }

    public static CopyPreference of(List<RepositoryConfig> configured, List<BackupCopies.Copy> copies) {
        List<String> passed = new ArrayList<>();
        if (copies.isEmpty()) {
            return new CopyPreference(List.of(configured.get(0)), passed);
        }
        Map<String, BackupCopies.Copy> byName = copies.stream()
                .collect(Collectors.toMap(BackupCopies.Copy::repository, Function.identity()));
        List<RepositoryConfig> usable = new ArrayList<>();
        for (RepositoryConfig r : configured) {
            BackupCopies.Copy copy = byName.get(r.name());
            if (copy == null) {
                continue;
            }
            if (copy.state() != BackupCopies.State.STORED) {
                passed.add("the copy in " + r.name() + " is " + copy.state()
                        + (copy.reason() == null ? "" : " (" + copy.reason() + ")"));
                continue;
            }
            usable.add(r);
        }
        usable.sort(Comparator.comparing(r -> r.isLocal() ? 0 : 1)); // stable: config order within each group
        return new CopyPreference(List.copyOf(usable), List.copyOf(passed));
    }
}
