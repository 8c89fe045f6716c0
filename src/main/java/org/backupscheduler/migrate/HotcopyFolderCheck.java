package org.backupscheduler.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Checks one folder written by mysqlhotcopy (one database). What is checked, and no more:
 * the folder is not empty; each MyISAM table has its .frm, .MYD and .MYI; where the .MYI
 * header says the table has rows, the .MYD is not empty and not shorter than the header's data
 * length. InnoDB files (.ibd) are listed as unusable: hotcopy copies them while InnoDB keeps
 * writing, so they cannot be trusted. Nothing is opened by a server: this is not a restore test.
 */
public final class HotcopyFolderCheck {

    private HotcopyFolderCheck() {
    }

    public static LegacyCheck check(Path folder) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        Map<String, List<String>> tables = new TreeMap<>();
        long size = 0;
        int files = 0;
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                files++;
                size += Files.size(p);
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot > 0) {
                    tables.computeIfAbsent(name.substring(0, dot), k -> new ArrayList<>())
                            .add(name.substring(dot + 1).toLowerCase());
                }
            }
        }
        if (files == 0) {
            problems.add("folder is empty: hotcopy copied nothing");
            return new LegacyCheck(folder.toString(), 0, 0, 0, 0, problems, unusable);
        }
        int myisam = 0;
        long rows = 0;
        for (Map.Entry<String, List<String>> t : tables.entrySet()) {
            String table = t.getKey();
            List<String> ext = t.getValue();
            if (ext.contains("ibd")) {
                unusable.add(table);
                continue;
            }
            boolean isMyisam = ext.contains("myi") || ext.contains("myd");
            if (!isMyisam) {
                continue; // views (.frm only), db.opt, ARCHIVE/CSV/Aria: not checked here
            }
            myisam++;
            for (String needed : List.of("frm", "MYD", "MYI")) {
                if (!ext.contains(needed.toLowerCase())) {
                    problems.add("table " + table + ": " + table + "." + needed + " is missing");
                }
            }
            if (ext.contains("myi") && ext.contains("myd")) {
                rows += checkData(folder, table, problems);
            }
        }
        if (myisam == 0 && unusable.isEmpty()) {
            problems.add("no MyISAM table in the folder (" + files + " files): nothing a restore could use");
        }
        return new LegacyCheck(folder.toString(), myisam, rows, size, files, problems, unusable);
    }

    /** Row count from the index header; the data file must hold what the header says. */
    private static long checkData(Path folder, String table, List<String> problems) throws IOException {
        MyisamHeader h = MyisamHeader.read(folder.resolve(table + ".MYI"));
        if (h == null) {
            problems.add("table " + table + ": " + table + ".MYI is not a MyISAM index (bad header)");
            return 0;
        }
        long myd = Files.size(folder.resolve(table + ".MYD"));
        if (h.records() > 0 && myd == 0) {
            problems.add("table " + table + ": index says " + h.records() + " rows but " + table + ".MYD is empty");
        } else if (myd < h.dataFileLength()) {
            problems.add("table " + table + ": " + table + ".MYD has " + myd + " bytes, index says "
                    + h.dataFileLength() + " (truncated copy)");
        }
        return h.records();
    }
}
