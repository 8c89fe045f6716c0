package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The schemas and tables a backup holds, read from the copied {@code .frm} files rather than
 * from the server: the backup user has no right to list other users' tables, and the files are
 * what a restore will actually have.
 */
public final class Inventory {
    private Inventory() {
    }

    public static Map<String, List<String>> of(Path dataDir) throws IOException {
        Map<String, List<String>> schemas = new TreeMap<>();
        try (var dirs = Files.list(dataDir)) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory).sorted()::iterator) {
                List<String> tables = new ArrayList<>();
                try (var files = Files.list(dir)) {
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".frm")).sorted()
                            .forEach(n -> tables.add(n.substring(0, n.length() - 4)));
                }
                if (!tables.isEmpty() || Files.exists(dir.resolve("db.opt"))) {
                    schemas.put(dir.getFileName().toString(), tables);
                }
            }
        }
        return schemas;
    }
}
