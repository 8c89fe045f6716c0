package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.backup.StoredStream;
import org.backupscheduler.backup.Inventory;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.engine.EngineFiles;
import org.backupscheduler.engine.Flavor;

/**
 * Does the folder look like what the engine leaves after a good backup? Cheap, and it catches
 * the field report's failure: folders that exist and are empty.
 */
final class StructureCheck {
    private StructureCheck() {
    }

    /** The problems found, empty when the structure is sound. */
    static List<String> problems(Path backupDir, Flavor flavor) throws IOException {
        // [compress] a compressed backup has no data/: its stream is listed instead.
        var stream = StoredStream.of(backupDir);
        if (stream.isPresent()) {
            return StreamStructureCheck.problems(backupDir, stream.get(), flavor);
        }
        List<String> problems = new ArrayList<>();
        Path data = RepositoryLayout.dataDir(backupDir);
        if (!Files.isDirectory(data) || isEmpty(data)) {
            problems.add("the backup folder is empty: " + data + " holds no files");
            return problems;
        }
        if (!Files.exists(RepositoryLayout.manifest(backupDir))) {
            problems.add("no " + RepositoryLayout.MANIFEST + " in " + backupDir);
            return problems;
        }
        Manifest manifest = Manifest.read(backupDir);
        EngineFiles files;
        try {
            files = EngineFiles.read(data, flavor);
        } catch (IOException e) {
            problems.add(e.getMessage());
            return problems;
        }
        ManifestAgreement.checkpoints(manifest, files, problems);
        boolean incremental = ManifestAgreement.isIncremental(manifest);
        if (!incremental) {
            requireNonEmpty(data.resolve("ibdata1"), problems);
            if (!Files.isDirectory(data.resolve("mysql"))) {
                problems.add("the mysql schema folder is missing from " + data);
            }
        }
        // Compared by SQL name: on disk the server encodes names ("x$a" is x@0024a.frm).
        ManifestAgreement.inventory(manifest, Inventory.of(data), "", problems);
        try (var frms = Files.walk(data, 2)) {
            for (Path frm : (Iterable<Path>) frms.filter(p -> p.toString().endsWith(".frm"))::iterator) {
                requireNonEmpty(frm, problems);
            }
        }
        ManifestAgreement.binlog(manifest, files, problems);
        return problems;
    }

    private static void requireNonEmpty(Path file, List<String> problems) throws IOException {
        if (!Files.exists(file)) {
            problems.add(file.getFileName() + " is missing (" + file + ")");
        } else if (Files.size(file) == 0) {
            problems.add(file.getFileName() + " is empty (" + file + ")");
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.noneMatch(Files::isRegularFile);
        }
    }
}
