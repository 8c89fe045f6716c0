package org.backupscheduler.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.locks.RunSessions;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a run timeout the engine's process tree is gone, but its server session may still wait
 * in BACKUP STAGE or FLUSH TABLES WITH READ LOCK — and everything queued behind it with it (the
 * field report's 22 hours). Those sessions are the run's own (the backup account's, opened after
 * the engine's start: {@link RunSessions}), so it may KILL them; no other job's.
 * Each kill is audited in lock_actions like the lock policy's.
 */
final class StuckSessions {
    private static final Logger log = LoggerFactory.getLogger(StuckSessions.class);

    private StuckSessions() {
    }

    /**
     * Kills the run's own lock-phase sessions ({@code sessions}: the backup account's, opened after
     * the engine's start — never another job's of the same account), audits each under
     * {@code why}; returns their ids.
     */
    static List<Long> kill(Endpoint source, LockActions audit, BackupRecord run, RunSessions sessions, String why) {
        List<Long> killed = new ArrayList<>();
        String sql = "SELECT ID, USER, HOST, DB, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST "
                + "WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) "
                + "AND ID > ? AND ID <> CONNECTION_ID() AND (INFO LIKE 'BACKUP STAGE%' OR INFO LIKE 'FLUSH%TABLES%' "
                + "OR INFO LIKE 'LOCK TABLES%' OR INFO LIKE 'LOCK BINLOG%')";
        try (Connection c = ServerConnections.open(source); PreparedStatement ps = c.prepareStatement(sql);
             Statement kill = c.createStatement()) {
            ps.setLong(1, sessions.afterId());
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                long id = rs.getLong(1);
                // A numeric id read from the server, never text.
                kill.execute("KILL " + id);
                killed.add(id);
                audit.record(new LockActions.Row(run.instance(), Instant.now(), id, run.id(), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(7), rs.getLong(6),
                        rs.getString(8), "", "own-backup: the run ended (" + why + "); its lock session must not "
                        + "stay queued", "KILL", "killed"));
            }
        } catch (SQLException e) {
            log.error("could not end the backup's server sessions after the timeout: {}", e.getMessage());
        }
        if (!killed.isEmpty()) {
            log.warn("killed the backup's stuck server sessions {}", killed);
        }
        return killed;
    }
}
