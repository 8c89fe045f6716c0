package org.backupscheduler.locks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A processlist captured from a real server into src/test/resources/processlist/*.tsv, read back
 * as the {@link Snapshot} {@link Snapshots#read} would have taken at that moment. The files are
 * `mariadb -B` output (header row, tabs, NULL, backslash escapes) of the columns the Snapshot reads
 * plus HELD_LOCKS; {@code # ours:} and {@code # backup-user:} lines say who captured and who backs up.
 * The captures were taken during a run of that account: its sessions in the file are the run's
 * ({@link Snapshot#runSessions}), unless loaded as the same moment with no run in progress.
 */
final class CapturedProcesslist {
    private CapturedProcesslist() {
    }

    /** The snapshot with lock information, as on a server with the metadata_lock_info plugin. */
    static Snapshot load(String name) {
        return read(name, true, true);
    }

    /** The same moment as a server without lock information would show it. */
    static Snapshot loadWithoutLockInfo(String name) {
        return read(name, false, true);
    }

    /** The same sessions with no run in progress: the backup account's are then nobody's backup (a stale job's). */
    static Snapshot loadWithNoRunInProgress(String name) {
        return read(name, true, false);
    }

    private static Snapshot read(String name, boolean lockInfo, boolean runInProgress) {
        String text;
        try (InputStream in = CapturedProcesslist.class.getResourceAsStream("/processlist/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no captured processlist " + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Long> ours = new HashSet<>();
        String backupUser = null;
        List<String> header = null;
        List<Session> sessions = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# ours:")) {
                ours.add(Long.parseLong(line.substring(7).strip()));
            } else if (line.startsWith("# backup-user:")) {
                backupUser = line.substring(14).strip();
            } else if (line.startsWith("#") || line.isEmpty()) {
                continue;
            } else if (header == null) {
                header = Arrays.asList(line.split("\t", -1));
            } else {
                sessions.add(session(header, line.split("\t", -1), lockInfo));
            }
        }
        String account = backupUser;
        Set<Long> run = new HashSet<>();
        if (runInProgress && account != null) {
            sessions.stream().filter(x -> account.equals(x.user()) && !ours.contains(x.id())).forEach(x -> run.add(x.id()));
        }
        return new Snapshot(Instant.EPOCH, sessions, ours, run, lockInfo);
    }

    private static Session session(List<String> header, String[] cells, boolean lockInfo) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns: "
                    + String.join("|", cells));
        }
        String locks = value(cells[header.indexOf("HELD_LOCKS")]);
        return new Session(Long.parseLong(cells[header.indexOf("ID")]), value(cells[header.indexOf("USER")]),
                value(cells[header.indexOf("HOST")]), value(cells[header.indexOf("DB")]),
                value(cells[header.indexOf("COMMAND")]), Long.parseLong(cells[header.indexOf("TIME")]),
                value(cells[header.indexOf("STATE")]), value(cells[header.indexOf("INFO")]),
                !lockInfo || locks == null ? List.of() : List.of(locks.split(";")));
    }

    /** `mariadb -B`: NULL is SQL NULL; \t, \n, \0 and \\ are escaped. */
    private static String value(String cell) {
        if (cell.equals("NULL")) {
            return null;
        }
        StringBuilder out = new StringBuilder(cell.length());
        for (int i = 0; i < cell.length(); i++) {
            char ch = cell.charAt(i);
            if (ch == '\\' && i + 1 < cell.length()) {
                char next = cell.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case '0' -> '\0';
                    default -> next;
                });
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
