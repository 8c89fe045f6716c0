package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.backup.CopyFolders;
import org.backupscheduler.backup.CopyPreference;
import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.verify.Verifier;

/**
 * Which copy of one backup a restore reads ({@code repositories:}): the copies in
 * {@link CopyPreference}'s order, each re-checked against its manifest (structure and
 * checksums, read where it lies) until one is intact. A copy that is gone or damaged is recorded
 * INVALID with why, and the next is tried; {@code said} is one line for the plan either way.
 * With {@code checksumsOnCopy}, a copy of plain files has its structure and sizes checked here and
 * its checksums as the restore copies it ({@link Verifier#copyProblemsButDataChecksums}); a copy
 * found damaged then is recorded INVALID by the restore, which chooses again.
 */
record CopyReading(Path folder, RepositoryConfig repository, String said) {

    static CopyReading choose(BackupConfig config, Backups backups, Verifier recheck, BackupRecord b,
            boolean checksumsOnCopy) throws IOException {
        BackupCopies copies = backups.copies();
        CopyPreference preference = CopyPreference.of(config.copies(), copies.of(b.instance(), b.id()));
        List<String> failed = new ArrayList<>(preference.passedOver());
        for (RepositoryConfig r : preference.order()) {
            String which = (r.isLocal() ? "local" : "remote") + " copy in repository " + r.name() + " (" + r.url() + ")";
            String problem;
            Path folder = null;
            boolean later = false;
            try {
                folder = CopyFolders.folder(config, b.id(), b.path(), r);
                later = checksumsOnCopy && Verifier.checksumsOnCopy(folder);
                List<String> problems = later ? recheck.copyProblemsButDataChecksums(folder)
                        : recheck.copyProblems(folder);
                problem = problems.isEmpty() ? null : String.join("; ", problems);
            } catch (IOException e) {
                problem = "it is gone: " + e.getMessage();
            }
            if (problem == null) {
                String note = "backup " + b.id() + ": read from the " + which + (later
                        ? ", its structure re-checked just now, its checksums as it is copied" : ", re-checked just now");
                return new CopyReading(folder, r, failed.isEmpty() ? note
                        : note + " (" + String.join("; ", failed) + ")");
            }
            copies.record(new BackupCopies.Copy(b.instance(), b.id(), r.name(), r.url(), BackupCopies.State.INVALID,
                    Instant.now(), "failed its re-check: " + problem));
            failed.add("the " + which + " failed its re-check: " + problem);
        }
        return new CopyReading(null, null, failed.isEmpty() ? "no copy is recorded" : String.join("; ", failed));
    }
}
