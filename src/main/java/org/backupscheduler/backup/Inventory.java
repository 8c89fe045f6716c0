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

    /**
     * The server's file-name encoding back to the SQL name: characters outside [A-Za-z0-9_] are
     * written as {@code @XXXX} (four hex digits), so {@code x$host_summary} is
     * {@code x@0024host_summary.frm} on disk.
     */
    static String decode(String fileName) {
        StringBuilder out = new StringBuilder(fileName.length());
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c == '@' && fileName.length() - i > 4
                    && fileName.substring(i + 1, i + 5).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                out.append((char) Integer.parseInt(fileName.substring(i + 1, i + 5), 16));
                i += 4;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static Map<String, List<String>> of(Path dataDir) throws IOException {
        Map<String, List<String>> schemas = new TreeMap<>();
        try (var dirs = Files.list(dataDir)) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory).sorted()::iterator) {
                List<String> tables = new ArrayList<>();
                try (var files = Files.list(dir)) {
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".frm")).sorted()
                            .forEach(n -> tables.add(decode(n.substring(0, n.length() - 4))));
                }
                if (!tables.isEmpty() || Files.exists(dir.resolve("db.opt"))) {
                    schemas.put(decode(dir.getFileName().toString()), tables);
                }
            }
        }
        return schemas;
    }
}
