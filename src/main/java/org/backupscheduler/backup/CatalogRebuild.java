package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.Flavor;
import org.backupscheduler.engine.SlaveInfo;
import org.backupscheduler.migrate.HotcopyFolderCheck;
import org.backupscheduler.migrate.LegacyImport;
import org.backupscheduler.migrate.LegacyMarker;

/**
 * Recreates catalog rows from the repository after the catalog was lost: every backup folder of
 * the instance that has no row gets one, derived from what the folder says about itself. Existing
 * rows are never changed (nothing lost, safe to run twice).
 *
 * <p>What comes back, and from where: an engine backup with a complete manifest is COMPLETED
 * (verification alone may make it VERIFIED again) or INVALID when its files do not match; one
 * whose manifest says it was taken from a broken or lagging replica is STALE — never COMPLETED, so
 * never VERIFIED, so never chosen by {@code restore --latest} — and its source row (replica, lag,
 * the primary's coordinates) is restored, because a restore from it must start replication at the
 * primary's position, not the replica's own. A folder holding a {@link LegacyMarker} is an imported
 * hotcopy folder: its own check is run again (LEGACY or INVALID). A folder with a FAILED marker or
 * no complete manifest is FAILED (partial). EXPIRED backups have no folder left: their history is
 * not recoverable, nor is that of SKIPPED runs (which never had one).
 */
public final class CatalogRebuild {
    /** Said by {@code catalog rebuild} and in docs: what a repository cannot give back. */
    public static final String NOT_RECOVERABLE = "EXPIRED backups and SKIPPED runs have no folder: their history "
            + "is not recoverable";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    /** What happened to one folder. */
    public record Outcome(String id, BackupStatus status, String reason, boolean inserted) {
    }

    /** One folder's row, and its source when the folder says what it was. */
    record Derived(BackupRecord row, SourceState source) {
    }

    private CatalogRebuild() {
    }

    public static List<Outcome> run(Path instanceDir, String instance, Backups backups) throws IOException {
        List<Outcome> out = new ArrayList<>();
        if (!Files.isDirectory(instanceDir)) {
            return out;
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(instanceDir)) {
            // Dot folders are our scratch space (.verify-*), never backups; nor is the binlog archive.
            dirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().equals(RepositoryLayout.BINLOGS))
                    .sorted().toList();
        }
        for (Path dir : dirs) {
            String id = dir.getFileName().toString();
            Optional<BackupRecord> existing = backups.find(instance, id);
            if (existing.isPresent()) {
                out.add(new Outcome(id, existing.get().status(), "already in the catalog", false));
                continue;
            }
            Derived d = derive(instance, id, dir);
            backups.insert(d.row(), ProcessIdentity.current());
            if (d.source() != null && backups.sources().find(instance, id).isEmpty()) {
                backups.sources().record(instance, id, d.source());
            }
            out.add(new Outcome(id, d.row().status(), d.row().reason(), true));
        }
        return out;
    }

    static Derived derive(String instance, String id, Path dir) throws IOException {
        if (LegacyMarker.isIn(dir)) {
            return new Derived(legacy(instance, id, dir), null);
        }
        Manifest m = null;
        String unreadable = null;
        if (Files.exists(RepositoryLayout.manifest(dir))) {
            try {
                m = Manifest.read(dir);
            } catch (IOException e) {
                unreadable = "manifest.json unreadable: " + e.getMessage();
            }
        }
        Path failedMarker = dir.resolve(RepositoryLayout.FAILED_MARKER);
        if (Files.isRegularFile(failedMarker)) {
            // The run said so itself, with its reason, even when it got as far as the manifest.
            SourceState source = m != null && m.source() != null ? m.source().toState() : failedRunSource(dir);
            return new Derived(failed(instance, id, dir, m, failedReason(failedMarker)), source);
        }
        if (m == null) {
            String why = unreadable != null ? unreadable
                    : "no complete manifest.json: a partial folder, the engine did not finish or the run died";
            return new Derived(failed(instance, id, dir, null, why + " (found by catalog rebuild)"), null);
        }
        SourceState source = m.source() != null ? m.source().toState() : formatOneSource(dir);
        String problem = checkFiles(dir, m);
        BackupStatus status;
        String reason;
        if (!id.equals(m.id()) || !instance.equals(m.instance())) {
            status = BackupStatus.INVALID;
            reason = "manifest.json names " + m.instance() + "/" + m.id() + ", not the folder " + instance + "/" + id;
        } else if (problem != null) {
            status = BackupStatus.INVALID;
            reason = problem + " (found by catalog rebuild)";
        } else if (Boolean.TRUE.equals(m.stale())) {
            status = BackupStatus.STALE;
            reason = m.staleReason();
        } else if (m.stale() == null && source != null && source.isReplica()) {
            // A format-1 manifest of a replica's backup does not say whether the replica was
            // current: do not let it become VERIFIED and chosen by --latest on a guess.
            status = BackupStatus.STALE;
            reason = "taken on a replica; its manifest (format " + m.format() + ") does not record whether the "
                    + "replica was current, so it is kept STALE (found by catalog rebuild)";
        } else {
            status = BackupStatus.COMPLETED;
            reason = null;
        }
        BackupRecord row = new BackupRecord(instance, id, BackupType.of(m.type()), m.parentId(), status,
                m.startedAt(), m.finishedAt(), new BackupRecord.Contents(m.totalBytes(), m.files().size()),
                new BackupRecord.Engine(m.tool(), m.toolVersion()), new BackupRecord.Lsns(m.fromLsn(), m.toLsn()),
                new Coordinates(m.binlogFile(), m.binlogPosition(), m.gtid()),
                new BackupRecord.Source(m.sourceAddress(), m.sourceServerId()), dir.toString(), reason);
        return new Derived(row, source);
    }

    /** An imported hotcopy folder: its own check again, where mysqlhotcopy left it. */
    private static BackupRecord legacy(String instance, String id, Path dir) throws IOException {
        LegacyMarker marker = LegacyMarker.read(dir);
        Path folder = Path.of(marker.folder());
        if (!Files.isDirectory(folder)) {
            return BackupRecord.legacy(instance, id, BackupStatus.INVALID, marker.importedAt(), null,
                    folder.toString(), "imported hotcopy folder " + folder + " is gone (found by catalog rebuild)");
        }
        return LegacyImport.row(instance, id, folder, HotcopyFolderCheck.check(folder));
    }

    private static BackupRecord failed(String instance, String id, Path dir, Manifest m, String reason)
            throws IOException {
        Instant started = m != null ? m.startedAt() : startedFromId(id, dir);
        BackupType type = m != null ? BackupType.of(m.type())
                : id.matches("\\d{8}-\\d{6}I.*") ? BackupType.INCREMENTAL : BackupType.FULL;
        return new BackupRecord(instance, id, type, m == null ? null : m.parentId(), BackupStatus.FAILED, started,
                m == null ? null : m.finishedAt(), null, m == null ? null : new BackupRecord.Engine(m.tool(),
                m.toolVersion()), null, null, m == null ? null : new BackupRecord.Source(m.sourceAddress(), null),
                dir.toString(), reason);
    }

    /** What a failed run's source.json says; unreadable is as good as absent for a FAILED row. */
    private static SourceState failedRunSource(Path dir) {
        try {
            return Manifest.Source.readBeside(dir).map(Manifest.Source::toState).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The reason a run wrote into its FAILED marker (the lines after the first). */
    private static String failedReason(Path marker) throws IOException {
        List<String> lines = Files.readAllLines(marker);
        String reason = String.join(" ", lines.subList(Math.min(1, lines.size()), lines.size())).strip();
        return (reason.isEmpty() ? "the run marked its folder FAILED" : reason) + " (found by catalog rebuild)";
    }

    /** Ids start with the UTC start time; a folder named otherwise gets its modification time. */
    private static Instant startedFromId(String id, Path dir) throws IOException {
        try {
            return id.length() >= 15 ? ID_TIME.parse(id.substring(0, 15), Instant::from)
                    : Files.getLastModifiedTime(dir).toInstant();
        } catch (DateTimeParseException e) {
            return Files.getLastModifiedTime(dir).toInstant();
        }
    }

    /**
     * Format-1 manifests did not record the source; the engine's own {@code xtrabackup_slave_info}
     * (written only when the source was a replica) still holds the primary's coordinates.
     */
    private static SourceState formatOneSource(Path dir) throws IOException {
        Optional<Coordinates> primary = SlaveInfo.read(
                Flavor.MARIABACKUP.metadataFile(RepositoryLayout.dataDir(dir), "slave_info"));
        return primary.map(c -> new SourceState(SourceState.REPLICA, null, null, null, c)).orElse(null);
    }

    /** The first file of the manifest that is missing or of another size; null when all are there. */
    private static String checkFiles(Path dir, Manifest m) throws IOException {
        // [compress] a compressed backup keeps its stream file instead of data/.
        if (!Files.isDirectory(RepositoryLayout.dataDir(dir)) && !CompressedLayout.isCompressed(dir)) {
            return "no data folder";
        }
        for (Manifest.FileEntry f : m.files()) {
            Path p = dir.resolve(f.path());
            if (!Files.isRegularFile(p)) {
                return "file listed in manifest.json is missing: " + f.path();
            }
            if (Files.size(p) != f.size()) {
                return "file " + f.path() + " has " + Files.size(p) + " bytes, manifest.json says " + f.size();
            }
        }
        return null;
    }
}
