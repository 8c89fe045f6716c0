package org.backupscheduler.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.storage.Storage;

/**
 * The small files of a streamed backup's local folder (the engine's metadata, its log, the
 * manifest) put beside its chunks, so the repository alone holds the whole backup. The manifest
 * goes last: it is the commit marker, and a reader that finds it finds everything it names.
 */
final class StoreCopy {
    private StoreCopy() {
    }

    static void upload(Storage store, String prefix, Path backupDir) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(backupDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Path manifest = RepositoryLayout.manifest(backupDir);
        for (Path f : files) {
            if (!f.equals(manifest)) {
                put(store, prefix, backupDir, f);
            }
        }
        put(store, prefix, backupDir, manifest);
    }

    private static void put(Storage store, String prefix, Path backupDir, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            store.put(prefix + "/" + FileChecksums.relative(backupDir, file), in);
        }
    }
}
