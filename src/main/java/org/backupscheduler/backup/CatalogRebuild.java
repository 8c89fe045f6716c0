package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.catalog.Coordinates;
import org.backupscheduler.catalog.ProcessIdentity;

/**
 * Recreates catalog rows from the repository after the catalog was lost: every backup folder of
 * the instance that has no row gets one, derived from its manifest.json and the files it lists.
 * Existing rows are never changed (nothing lost, safe to run twice). A rebuilt backup is at best
 * COMPLETED: only verification may make it VERIFIED again.
 */
public final class CatalogRebuild {
    /** What happened to one folder. */
    public record Outcome(String id, BackupStatus status, String reason, boolean inserted) {
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
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path dir : dirs) {
            String id = dir.getFileName().toString();
            if (backups.find(instance, id).isPresent()) {
                out.add(new Outcome(id, backups.find(instance, id).get().status(), "already in the catalog", false));
                continue;
            }
            BackupRecord row = derive(instance, id, dir);
            backups.insert(row, ProcessIdentity.current());
            out.add(new Outcome(id, row.status(), row.reason(), true));
        }
        return out;
    }

    static BackupRecord derive(String instance, String id, Path dir) throws IOException {
        Manifest m;
        try {
            m = Manifest.read(dir);
        } catch (IOException e) {
            Instant when = Files.getLastModifiedTime(dir).toInstant();
            String why = Files.exists(RepositoryLayout.manifest(dir)) ? "manifest.json unreadable: " + e.getMessage()
                    : "no manifest.json: the engine did not finish (found by catalog rebuild)";
            return new BackupRecord(instance, id, BackupType.FULL, null, BackupStatus.FAILED, when, null, null, null,
                    null, null, null, null, Coordinates.NONE, null, null, dir.toString(), why);
        }
        String problem = checkFiles(dir, m);
        BackupStatus status = problem == null ? BackupStatus.COMPLETED : BackupStatus.INVALID;
        String reason = problem == null ? null : problem + " (found by catalog rebuild)";
        if (!id.equals(m.id()) || !instance.equals(m.instance())) {
            status = BackupStatus.INVALID;
            reason = "manifest.json names " + m.instance() + "/" + m.id() + ", not the folder " + instance + "/" + id;
        }
        return new BackupRecord(instance, id, BackupType.of(m.type()), m.parentId(), status, m.startedAt(),
                m.finishedAt(), m.totalBytes(), m.files().size(), m.tool(), m.toolVersion(), m.fromLsn(), m.toLsn(),
                new Coordinates(m.binlogFile(), m.binlogPosition(), m.gtid()), m.sourceAddress(), m.sourceServerId(),
                dir.toString(), reason);
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
