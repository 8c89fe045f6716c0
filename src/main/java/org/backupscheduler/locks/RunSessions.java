package org.backupscheduler.locks;

/**
 * Which server sessions belong to the backup run in progress on this instance: those of the
 * account the engine connects as ({@code account}) whose connection id is above {@code afterId},
 * the id of a connection the run opened just before it started the engine. The server numbers
 * connections in the order they open, so the engine's sessions, opened after that moment, are
 * above it; sessions of the same account opened earlier (an old hotcopy job's, a DBA's) are not.
 * A session of that account opened by someone else while the run is in progress is counted as the
 * run's too: the processlist has no more to tell them apart by (docs/locks.md, "Ours").
 * {@link #NONE}: no run in progress — then no session is the backup's, whatever its account.
 */
public record RunSessions(String account, long afterId) {
    public static final RunSessions NONE = new RunSessions(null, Long.MAX_VALUE);

    public boolean inProgress() {
        return account != null;
    }

    public boolean includes(long id, String user) {
        return account != null && account.equals(user) && id > afterId;
    }

    public boolean includes(Session s) {
        return includes(s.id(), s.user());
    }

    public String describe() {
        return account == null ? "no run in progress" : "sessions of " + account + " above connection id " + afterId;
    }
}
