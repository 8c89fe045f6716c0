package org.backupscheduler.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Bytes of the regular files under a directory, for progress; -1 when it cannot be read. */
final class DirectorySize {
    private DirectorySize() {
    }

    static long of(Path dir) {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file removed while we count (temporary tables, the engine's work files)
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}
