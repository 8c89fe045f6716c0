package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupCopies.State;
import org.backupscheduler.config.RepositoryConfig;
import org.junit.jupiter.api.Test;

/** Which copy of a backup a restore tries first: local before remote, only copies that are STORED. */
class CopyPreferenceTest {
    private static final RepositoryConfig REMOTE = repo("remote", "s3://backups/db1");
    private static final RepositoryConfig LOCAL = repo("local", "/var/backups/mysql");
    private static final RepositoryConfig SFTP = repo("offsite", "sftp://backup@store/srv/backups");

    private static RepositoryConfig repo(String name, String url) {
        return new RepositoryConfig(name, url, null, null, null, null, null, null);
    }

    private static BackupCopies.Copy copy(RepositoryConfig r, State state, String reason) {
        return new BackupCopies.Copy("db1", "20261202-150000F", r.name(), r.url(), state, Instant.EPOCH, reason);
    }

    private static List<String> order(List<RepositoryConfig> configured, BackupCopies.Copy... copies) {
        return CopyPreference.of(configured, List.of(copies)).order().stream().map(RepositoryConfig::name).toList();
    }

    @Test
    void theLocalCopyFirstEvenWhenTheRemoteIsThePrimary() {
        assertEquals(List.of("local", "remote"), order(List.of(REMOTE, LOCAL),
                copy(REMOTE, State.STORED, null), copy(LOCAL, State.STORED, null)));
        assertEquals(List.of("local", "remote"), order(List.of(LOCAL, REMOTE),
                copy(REMOTE, State.STORED, null), copy(LOCAL, State.STORED, null)));
    }

    @Test
    void remoteOnesInTheConfigsOrder() {
        assertEquals(List.of("local", "offsite", "remote"), order(List.of(LOCAL, SFTP, REMOTE),
                copy(REMOTE, State.STORED, null), copy(SFTP, State.STORED, null), copy(LOCAL, State.STORED, null)));
    }

    @Test
    void aCopyThatFailedOrWasRemovedIsNotTriedAndSaysWhy() {
        CopyPreference p = CopyPreference.of(List.of(LOCAL, REMOTE), List.of(
                copy(LOCAL, State.INVALID, "failed its re-check: it is gone"), copy(REMOTE, State.STORED, null)));
        assertEquals(List.of(REMOTE), p.order());
        assertEquals(List.of("the copy in local is INVALID (failed its re-check: it is gone)"), p.passedOver());
        assertEquals(List.of(), order(List.of(LOCAL, REMOTE), copy(LOCAL, State.REMOVED, null),
                copy(REMOTE, State.INVALID, "the copy failed: timeout")));
    }

    @Test
    void aCopyNeverMadeOrInARepositoryNoLongerConfiguredIsNotTried() {
        assertEquals(List.of("local"), order(List.of(LOCAL, REMOTE), copy(LOCAL, State.STORED, null)));
        assertEquals(List.of("remote"), order(List.of(REMOTE), copy(LOCAL, State.STORED, null),
                copy(REMOTE, State.STORED, null)));
    }

    @Test
    void verifyChecksAnInvalidCopyAgainButNotARemovedOneAndCanBeLimitedToOne() {
        List<BackupCopies.Copy> copies = List.of(copy(LOCAL, State.INVALID, "gone"), copy(REMOTE, State.STORED, null),
                copy(SFTP, State.REMOVED, "outside retention"));
        assertEquals(List.of(LOCAL, REMOTE), CopyPreference.toCheck(List.of(REMOTE, SFTP, LOCAL), copies, null));
        assertEquals(List.of(REMOTE), CopyPreference.toCheck(List.of(REMOTE, SFTP, LOCAL), copies, "remote"));
    }

    @Test
    void aBackupFromBeforeRepositoriesLiesInThePrimaryAlone() {
        assertEquals(List.of("local"), order(List.of(LOCAL, REMOTE)));
    }
}
