package org.backupscheduler.house;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the arrows running down (cli/schedule → workflows → parts) by reading the production
 * sources' imports, and keeps docs/architecture.md naming every package. A new package must be
 * given its place here and a row in the document; an import that runs up fails with both names.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/org/backupscheduler");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.backupscheduler\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Higher may import lower, never the same or higher. */
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("cli", 100),
            Map.entry("schedule", 90),
            Map.entry("demo", 90),
            Map.entry("report", 60),
            Map.entry("restore", 60),
            Map.entry("verify", 50),
            Map.entry("metrics", 50),
            Map.entry("backup", 40),
            Map.entry("binlogs", 40),
            Map.entry("locks", 35),
            Map.entry("replication", 35),
            Map.entry("migrate", 30),
            Map.entry("catalog", 25),
            Map.entry("engine", 20),
            Map.entry("sandbox", 22),
            Map.entry("server", 15),
            Map.entry("storage", 10),
            Map.entry("crypto", 10),
            Map.entry("ssh", 8),
            Map.entry("config", 5));

    @Test
    void everyPackageHasAPlaceAndArrowsRunDown() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String pkg : packages()) {
            Integer rank = RANK.get(pkg);
            if (rank == null) {
                wrong.add(pkg + " has no place: add it to ArchitectureTest.RANK and docs/architecture.md");
                continue;
            }
            try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        String target = m.group(1);
                        if (target.equals(pkg)) {
                            continue;
                        }
                        Integer targetRank = RANK.get(target);
                        if (targetRank == null || targetRank >= rank) {
                            wrong.add(SOURCES.relativize(file) + " imports " + target + ": an arrow up or sideways");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theArchitectureDocumentNamesEveryPackage() throws IOException {
        String doc = Files.readString(Path.of("docs/architecture.md"));
        List<String> missing = packages().stream().filter(p -> !doc.contains("| `" + p + "` |")).toList();
        assertEquals(List.of(), missing, "packages without a row in docs/architecture.md");
        assertTrue(doc.contains("src/bench/java"), "the benchmark's own source set is described");
    }

    private static TreeSet<String> packages() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            TreeSet<String> names = new TreeSet<>();
            dirs.filter(Files::isDirectory).forEach(d -> names.add(d.getFileName().toString()));
            return names;
        }
    }
}
