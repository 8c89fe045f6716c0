package org.backupscheduler.migrate;

import java.util.List;

/**
 * The result of checking one hotcopy folder: its problems (any → INVALID), the files it holds
 * that a restore cannot use (InnoDB copied without consistency), and what it contains.
 */
public record LegacyCheck(String folder, int myisamTables, long rows, long sizeBytes, int fileCount,
                          List<String> problems, List<String> unusable) {

    public LegacyCheck {
        problems = List.copyOf(problems);
        unusable = List.copyOf(unusable);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /** One line for the catalog's reason column. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        if (!valid()) {
            s.append(String.join("; ", problems));
        } else {
            s.append("hotcopy folder checked: ").append(myisamTables).append(" MyISAM tables, ").append(rows)
                    .append(" rows");
        }
        if (!unusable.isEmpty()) {
            s.append("; unusable (InnoDB copied by hotcopy without consistency): ").append(String.join(", ", unusable));
        }
        return s.length() > 1900 ? s.substring(0, 1897) + "..." : s.toString();
    }
}
