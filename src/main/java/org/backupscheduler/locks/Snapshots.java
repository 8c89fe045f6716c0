package org.backupscheduler.locks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads a snapshot: the processlist, and metadata locks where the server reports them. */
public final class Snapshots {
    private Snapshots() {
    }

    /** The processlist now; {@code run} says which sessions are the run in progress's. */
    public static Snapshot read(Connection c, RunSessions run) throws SQLException {
        long self;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            self = rs.getLong(1);
        }
        Map<Long, List<String>> locks = new HashMap<>();
        boolean lockInfo = readLocks(c, locks);
        List<Session> sessions = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT ID, USER, HOST, DB, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                sessions.add(new Session(id, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getString(7), rs.getString(8), locks.get(id)));
            }
        }
        Set<Long> runSessions = sessions.stream().filter(run::includes).map(Session::id)
                .filter(id -> id != self).collect(Collectors.toSet());
        return new Snapshot(Instant.now(), sessions, Set.of(self), runSessions, lockInfo);
    }

    /**
     * MariaDB: the metadata_lock_info plugin (INSTALL SONAME 'metadata_lock_info'); MySQL:
     * performance_schema.metadata_locks. False when neither is there.
     */
    private static boolean readLocks(Connection c, Map<Long, List<String>> locks) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT THREAD_ID, LOCK_TYPE, TABLE_SCHEMA, TABLE_NAME FROM information_schema.METADATA_LOCK_INFO")) {
            while (rs.next()) {
                locks.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(describe(rs.getString(2),
                        rs.getString(3), rs.getString(4)));
            }
            return true;
        } catch (SQLException e) {
            // not MariaDB with the plugin: try MySQL's performance_schema
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT t.PROCESSLIST_ID, m.OBJECT_TYPE, m.OBJECT_SCHEMA, m.OBJECT_NAME "
                        + "FROM performance_schema.metadata_locks m JOIN performance_schema.threads t "
                        + "ON t.THREAD_ID = m.OWNER_THREAD_ID WHERE m.LOCK_STATUS = 'GRANTED' "
                        + "AND t.PROCESSLIST_ID IS NOT NULL")) {
            while (rs.next()) {
                locks.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(describe(rs.getString(2),
                        rs.getString(3), rs.getString(4)));
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static String describe(String type, String schema, String table) {
        return type + (schema == null || schema.isEmpty() ? "" : " " + schema + (table == null ? "" : "." + table));
    }
}
