package org.backupscheduler.binlogs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.catalog.BinlogFileRecord;

/**
 * A hole in the archive between two archived files: files never archived (the numbering skips),
 * or events missing (the later file's GTID list, the server's state when it began, is not where
 * the earlier file ended). Found from the index alone, so a rebuilt index finds the same gaps.
 */
public record Gap(String after, String before, List<String> missingFiles, List<String> missingGtids) {
    private static final Pattern NUMBERED = Pattern.compile("(.*)\\.(\\d+)");

    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!missingFiles.isEmpty()) {
            parts.add((missingFiles.size() == 1 ? missingFiles.get(0)
                    : missingFiles.get(0) + " .. " + missingFiles.get(missingFiles.size() - 1)) + " never archived");
        }
        if (!missingGtids.isEmpty()) {
            parts.add("missing GTIDs " + String.join(", ", missingGtids));
        }
        return "between " + after + " and " + before + ": " + String.join("; ", parts);
    }

    /** The gaps in {@code files}, which are in the server's order. */
    public static List<Gap> find(List<BinlogFileRecord> files) {
        List<Gap> gaps = new ArrayList<>();
        for (int i = 1; i < files.size(); i++) {
            Gap g = between(files.get(i - 1), files.get(i));
            if (g != null) {
                gaps.add(g);
            }
        }
        return gaps;
    }

    static Gap between(BinlogFileRecord prev, BinlogFileRecord next) {
        List<String> files = missingFiles(prev.fileName(), next.fileName());
        Map<Long, Gtid> end = BinlogScan.byDomain(Gtid.parseList(prev.gtidListStart()));
        end.putAll(BinlogScan.byDomain(Gtid.parseList(prev.lastGtids())));
        List<String> gtids = new ArrayList<>();
        for (Gtid start : BinlogScan.byDomain(Gtid.parseList(next.gtidListStart())).values()) {
            Gtid had = end.get(start.domain());
            if (had == null) {
                gtids.add("domain " + start.domain() + " up to " + start);
            } else if (had.seq() != start.seq()) {
                gtids.add(had.seq() < start.seq() ? "after " + had + " up to " + start
                        : "domain " + start.domain() + " went back from " + had + " to " + start);
            }
        }
        return files.isEmpty() && gtids.isEmpty() ? null : new Gap(prev.fileName(), next.fileName(), files, gtids);
    }

    /**
     * The first and last name between two of one server's files ({@code base.000004 .. base.000009}),
     * or the one name, or none.
     */
    static List<String> missingFiles(String prev, String next) {
        Matcher a = NUMBERED.matcher(prev);
        Matcher b = NUMBERED.matcher(next);
        List<String> missing = new ArrayList<>();
        if (!a.matches() || !b.matches() || !a.group(1).equals(b.group(1))) {
            return missing;
        }
        int width = a.group(2).length();
        long first = Long.parseLong(a.group(2)) + 1;
        long last = Long.parseLong(b.group(2)) - 1;
        if (first <= last) {
            missing.add(a.group(1) + "." + String.format("%0" + width + "d", first));
        }
        if (first < last) {
            missing.add(a.group(1) + "." + String.format("%0" + width + "d", last));
        }
        return missing;
    }

    /** The name the server gives the file after {@code name}; null for a name without a number. */
    static String next(String name) {
        Matcher m = NUMBERED.matcher(name);
        if (!m.matches()) {
            return null;
        }
        int width = m.group(2).length();
        return m.group(1) + "." + String.format("%0" + width + "d", Long.parseLong(m.group(2)) + 1);
    }
}
