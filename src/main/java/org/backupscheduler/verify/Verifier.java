package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.backupscheduler.backup.CopyFolders;
import org.backupscheduler.backup.CopyPreference;
import org.backupscheduler.backup.RepositoryStores;
import org.backupscheduler.backup.StoredStream;
import org.backupscheduler.UserError;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.catalog.BackupCopies;
import org.backupscheduler.catalog.BackupPins;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.VerificationRecord;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.engine.EngineTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs verification levels on a backup, records each in the catalog's history, and sets the
 * backup's status. The rule that matters: VERIFIED only when every level run passed and the
 * engine itself prepared a copy (prepare or deep) — checksums alone prove the bytes are what was
 * written, not that they restore. Any failure makes the backup INVALID, even one that was
 * VERIFIED before (bit rot); a STALE backup stays STALE when it passes.
 */
public final class Verifier {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    private static final Set<BackupStatus> VERIFIABLE = EnumSet.of(BackupStatus.COMPLETED, BackupStatus.VERIFIED,
            BackupStatus.INVALID, BackupStatus.STALE);

    private final BackupConfig config;
    private final Backups backups;
    private final EngineTool tool;
    private final Clock clock;
    private String onlyRepository;
    /** While the levels run on one copy of a backup ({@code repositories:}): its repository. */
    private RepositoryConfig readingFrom;

    public Verifier(BackupConfig config, Backups backups, EngineTool tool, Clock clock) {
        this.config = config;
        RepositoryStores.configure(config);
        this.backups = backups;
        this.tool = tool;
        this.clock = clock;
    }

    /** The levels named in {@code verify.after-backup}. */
    public static Set<Level> afterBackupLevels(BackupConfig config) {
        Set<Level> levels = EnumSet.noneOf(Level.class);
        config.verify().afterBackup().forEach(word -> levels.add(Level.of(word)));
        return levels;
    }

    public static boolean isVerifiable(BackupRecord b) {
        return VERIFIABLE.contains(b.status());
    }

    public VerificationOutcome verify(BackupRecord backup, Collection<Level> requested) throws IOException {
        if (!isVerifiable(backup)) {
            throw new UserError("backup " + backup.id() + " is " + backup.status() + ": there is no backup to verify",
                    "'backup list' shows the COMPLETED and VERIFIED ones", UserError.USAGE);
        }
        Set<Level> levels = requested.isEmpty() ? EnumSet.noneOf(Level.class) : EnumSet.copyOf(requested);
        MDC.put("backup", backup.id());
        // Pinned while it is read (the drill reads it for minutes): retention keeps it meanwhile,
        // and its parents with it.
        String purpose = levels.contains(Level.DEEP) ? "restore drill" : "verification";
        try (CopyFolders.Reading reading = CopyFolders.reading(config);
                BackupPins.Pin pin = backups.pins().hold(backup.instance(), List.of(backup), purpose)) {
            List<LevelResult> results = run(backup, levels);
            BackupRecord after = settle(backup, levels, results);
            return new VerificationOutcome(backup, after, results);
        } finally {
            MDC.remove("backup");
        }
    }

    /**
     * The structure and checksum problems of one copy of a backup ({@code repositories:}), read
     * from {@code dir}, its folder: nothing is recorded and no status changes, for the backup
     * stands while another copy is intact. An encrypted copy on a host without the secret key:
     * its ciphertext only.
     */
    public List<String> copyProblems(Path dir) throws IOException {
        if (StoredStream.sealedHere(dir)) {
            return StoredStream.ciphertextProblems(dir);
        }
        List<String> problems = StructureCheck.problems(dir, tool.flavor());
        return problems.isEmpty() ? ChecksumCheck.problems(dir) : problems;
    }

    /**
     * Whether a restore reads {@code dir} once, checksumming its files as it copies them
     * ({@link WorkingCopy#checkedCopy}): a backup of plain files. A stored stream is re-checked
     * whole before (its chunks and files are summed as the stream is read, and the extraction reads
     * it again).
     */
    public static boolean checksumsOnCopy(Path dir) throws IOException {
        return StoredStream.of(dir).isEmpty();
    }

    /**
     * As {@link #copyProblems}, for a restore that checksums the engine's files as it copies them:
     * for a backup of plain files ({@link #checksumsOnCopy}) its structure, every file present
     * and of its size, and the CRC32C of the files outside {@code data/} only; else the same.
     */
    public List<String> copyProblemsButDataChecksums(Path dir) throws IOException {
        if (!checksumsOnCopy(dir)) {
            return copyProblems(dir);
        }
        List<String> problems = StructureCheck.problems(dir, tool.flavor());
        return problems.isEmpty() ? ChecksumCheck.problemsButDataChecksums(dir) : problems;
    }

    /**
     * What a restore's checked copy ({@link WorkingCopy#checkedCopy}) found wrong in
     * {@code backup}, recorded as its checksum level would be, and the backup marked INVALID as
     * verify would; returns it as it is now. ({@code repositories:} the caller records the copy.)
     */
    public BackupRecord checksumsFailed(BackupRecord backup, List<String> problems, Instant start) {
        LevelResult r = result(Level.CHECKSUM, problems, start);
        record(backup, r, start);
        return settle(backup, EnumSet.of(Level.CHECKSUM), List.of(r));
    }

    private List<LevelResult> run(BackupRecord backup, Set<Level> levels) throws IOException {
        List<LevelResult> results = runLevels(backup, levels);
        if (levels.contains(Level.DEEP) && results.stream().noneMatch(r -> r.level() == Level.DEEP)) {
            // A drill that could not start has failed, and says so in its own record: the report's
            // restore-drill section reads only deep records, and would otherwise still show the
            // last drill that passed.
            results.stream().filter(r -> !r.ok()).findFirst().ifPresent(failed -> {
                LevelResult r = LevelResult.fail(Level.DEEP, "the restore drill did not run: "
                        + failed.level().word() + " verification failed", Duration.ZERO);
                record(backup, r, clock.instant());
                results.add(r);
            });
        }
        return results;
    }

    /**
     * Only the copy in repository {@code name} ({@code verify --repository NAME}); null: every copy.
     *
     * @throws UserError when the config has no repository of that name
     */
    public Verifier onlyRepository(String name) {
        if (name != null && config.copies().stream().noneMatch(r -> name.equals(r.name()))) {
            throw new UserError("no repository named '" + name + "' in this config",
                    "name one of repositories: " + config.copies().stream().map(r -> String.valueOf(r.name()))
                            .toList(), UserError.USAGE);
        }
        this.onlyRepository = name;
        return this;
    }

    private List<LevelResult> runLevels(BackupRecord backup, Set<Level> levels) throws IOException {
        if (!config.hasCopies()) {
            return runLevels(backup, levels, Path.of(backup.path()));
        }
        // [repositories] each copy checked where it lies; the levels' results are those of the first
        // intact copy (local first), so a damaged copy fails itself, and the backup only with none left.
        List<RepositoryConfig> order = CopyPreference.toCheck(config.copies(),
                backups.copies().of(backup.instance(), backup.id()), onlyRepository);
        List<String> failed = new ArrayList<>();
        List<LevelResult> chosen = null;
        boolean checksBytes = levels.contains(Level.STRUCTURE) || levels.contains(Level.CHECKSUM);
        for (RepositoryConfig r : order) {
            Path folder;
            try {
                folder = CopyFolders.folder(config, backup.id(), backup.path(), r);
            } catch (IOException gone) {
                copyState(backup, r, "it is gone: " + gone.getMessage(), failed);
                continue;
            }
            if (chosen == null) {
                readingFrom = r;
                List<LevelResult> results = runLevels(backup.withPath(folder.toString()), levels, folder);
                LevelResult bad = results.stream().filter(x -> !x.ok()).findFirst().orElse(null);
                if (bad == null) {
                    chosen = results;
                }
                if (checksBytes || bad != null) {
                    copyState(backup, r, bad == null ? null : bad.level().word() + " failed: " + bad.finding(), failed);
                }
            } else if (checksBytes) {
                List<String> problems = copyProblems(folder);
                copyState(backup, r, problems.isEmpty() ? null : String.join("; ", problems), failed);
            }
        }
        readingFrom = null;
        if (chosen != null) {
            return chosen;
        }
        Instant start = clock.instant();
        LevelResult r = LevelResult.fail(Level.STRUCTURE, "no intact copy: " + (failed.isEmpty()
                ? "none is recorded" : String.join("; ", failed)), Duration.ZERO);
        record(backup, r, start);
        return new ArrayList<>(List.of(r));
    }

    /** Records what the check of {@code backup}'s copy in {@code r} found: null problem, STORED. */
    private void copyState(BackupRecord backup, RepositoryConfig r, String problem, List<String> failed) {
        backups.copies().record(new BackupCopies.Copy(backup.instance(), backup.id(), r.name(), r.url(),
                problem == null ? BackupCopies.State.STORED : BackupCopies.State.INVALID, clock.instant(),
                problem == null ? null : "failed verification: " + problem));
        if (problem != null) {
            log.error("the copy of backup {} in repository {} ({}) failed verification: {}", backup.id(), r.name(),
                    r.url(), problem);
            failed.add("the copy in " + r.name() + ": " + problem);
        } else {
            log.info("the copy of backup {} in repository {} ({}) is intact", backup.id(), r.name(), r.url());
        }
    }

    private List<LevelResult> runLevels(BackupRecord backup, Set<Level> levels, Path dir) throws IOException {
        List<LevelResult> results = new ArrayList<>();
        if (StoredStream.sealedHere(dir)) {
            // [encryption] a host with public keys only checks the ciphertext where it lies; the
            // backup stays COMPLETED until a host with the secret key verifies it.
            if (levels.stream().anyMatch(l -> l != Level.STRUCTURE)) {
                log.info("backup {} is encrypted and this host has no secret key: only its ciphertext is checked "
                        + "here; VERIFIED needs a host with encryption.secret-key-file", backup.id());
            }
            if (levels.isEmpty()) {
                return results;
            }
            Instant start = clock.instant();
            LevelResult r = result(Level.STRUCTURE, StoredStream.ciphertextProblems(dir), start);
            record(backup, r, start);
            results.add(r);
            return results;
        }
        for (Level level : List.of(Level.STRUCTURE, Level.CHECKSUM)) {
            if (!levels.contains(level)) {
                continue;
            }
            Instant start = clock.instant();
            List<String> problems = level == Level.STRUCTURE
                    ? StructureCheck.problems(dir, tool.flavor()) : ChecksumCheck.problems(dir);
            LevelResult r = result(level, problems, start);
            record(backup, r, start);
            results.add(r);
            if (!r.ok()) {
                return results;
            }
        }
        if (levels.contains(Level.PREPARE) || levels.contains(Level.DEEP)) {
            results.addAll(prepareAndDrill(backup, levels.contains(Level.DEEP)));
        }
        return results;
    }

    private List<LevelResult> prepareAndDrill(BackupRecord backup, boolean deep) throws IOException {
        List<LevelResult> results = new ArrayList<>();
        Instant start = clock.instant();
        List<BackupRecord> chain;
        try {
            chain = Chain.of(backups, backup);
        } catch (IllegalStateException e) {
            LevelResult r = LevelResult.fail(Level.PREPARE, e.getMessage(), Duration.between(start, clock.instant()));
            record(backup, r, start);
            results.add(r);
            return results;
        }
        if (readingFrom != null) {
            // [repositories] the chain read from the same repository as the backup it ends in.
            List<BackupRecord> there = new ArrayList<>();
            for (BackupRecord link : chain) {
                there.add(link.id().equals(backup.id()) ? backup : link.withPath(CopyFolders.folder(config, link.id(),
                        link.path(), readingFrom).toString()));
            }
            chain = there;
        }
        try (Scratch scratch = Scratch.create(config.instanceDir(), backup, chain)) {
            log.info("preparing a scratch copy of {} (chain of {})", backup.id(), chain.size());
            String problem = PrepareCheck.prepare(tool, chain, scratch, config.schedule().runTimeout());
            LevelResult prepared = result(Level.PREPARE, problem == null ? List.of() : List.of(problem), start);
            record(backup, prepared, start);
            results.add(prepared);
            if (!prepared.ok() || !deep) {
                return results;
            }
            Instant drill = clock.instant();
            log.info("restore drill: starting a throw-away server on the prepared copy of {}", backup.id());
            List<String> problems = DeepCheck.problems(scratch.dir().resolve("data"),
                    Manifest.read(Path.of(backup.path())).inventory(), config.schedule().runTimeout());
            // The drill's duration includes the prepare: together they are what a restore costs.
            LevelResult r = result(Level.DEEP, problems, start);
            record(backup, r, drill);
            results.add(r);
        }
        return results;
    }

    private LevelResult result(Level level, List<String> problems, Instant start) {
        Duration took = Duration.between(start, clock.instant());
        if (problems.isEmpty()) {
            log.info("{} of the backup: OK in {} ms", level.word(), took.toMillis());
            return LevelResult.pass(level, took);
        }
        String finding = problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems: " + String.join("; ", problems);
        log.error("{} of the backup FAILED: {}", level.word(), finding);
        return LevelResult.fail(level, finding, took);
    }

    private void record(BackupRecord b, LevelResult r, Instant start) {
        backups.verifications().record(new VerificationRecord(b.instance(), b.id(), r.level().word(), start,
                r.duration(), r.ok(), r.finding()));
    }

    /** The status the results earn; written to the catalog when it changes. */
    private BackupRecord settle(BackupRecord backup, Set<Level> levels, List<LevelResult> results) {
        LevelResult failed = results.stream().filter(r -> !r.ok()).findFirst().orElse(null);
        BackupRecord after;
        if (failed != null && onlyRepository != null && config.hasCopies()) {
            // [repositories] one copy's verdict is that copy's (its row says INVALID); the backup
            // stands or falls by all of them, which a plain verify checks.
            after = backup;
        } else if (failed != null) {
            String reason = failed.level().word() + " verification failed: " + failed.finding();
            if (backup.status() == BackupStatus.VERIFIED) {
                reason = "was VERIFIED, now " + reason;
            }
            after = backup.withStatus(BackupStatus.INVALID, reason);
        } else if (backup.status() == BackupStatus.STALE) {
            after = backup;
        } else if (results.stream().anyMatch(r -> r.ok() && (r.level() == Level.PREPARE || r.level() == Level.DEEP))) {
            // VERIFIED only for a prepare that ran and passed, never for one that was asked and skipped.
            after = backup.withStatus(BackupStatus.VERIFIED, null);
        } else {
            // Structure and checksums passed, but no engine prepared it: not yet proven restorable.
            after = backup;
        }
        if (!after.equals(backup)) {
            backups.update(after);
            log.info("backup {} is now {}", backup.id(), after.status());
        }
        return after;
    }
}
