package org.backupscheduler.locks;

import java.util.List;

/**
 * One row of the processlist, with the metadata locks it holds where the server reports them
 * ({@code heldLocks}: "Global read lock", "Backup lock", "Table metadata lock shop.audit", ...).
 */
public record Session(long id, String user, String host, String db, String command, long timeSeconds, String state,
                      String info, List<String> heldLocks) {

    public Session {
        heldLocks = heldLocks == null ? List.of() : List.copyOf(heldLocks);
    }

    public String describe() {
        return "session " + id + " (" + user + "@" + host + (db == null || db.isEmpty() ? "" : ", db " + db) + ", "
                + command + " " + timeSeconds + "s" + (state == null || state.isEmpty() ? "" : ", " + state)
                + (info == null ? "" : ", '" + abbreviate(info, 120) + "'") + ")";
    }

    static String abbreviate(String s, int max) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }
}
