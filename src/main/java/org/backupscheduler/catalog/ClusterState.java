package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cluster status}, read from the catalog: the daemons (Quartz's check-in rows,
 * QRTZ_SCHEDULER_STATE), the jobs each is executing (QRTZ_FIRED_TRIGGERS), and who runs what
 * by our own rows: leases, RUNNING backups, engine slots (V17).
 */
public record ClusterState(List<Node> nodes, List<Fired> executing, List<Work> running) {

    /** A daemon of a cluster; silent past twice its interval (plus Quartz's 7.5 s) it counts as dead. */
    public record Node(String cluster, String id, Instant lastCheckin, Duration interval) {
        public boolean alive(Instant now) {
            return Duration.between(lastCheckin, now).compareTo(interval.multipliedBy(2).plusMillis(7_500)) < 0;
        }
    }

    /** A job a node is executing now: its instance (the job group), the job and since when. */
    public record Fired(String cluster, String node, String instance, String job, Instant since) {
    }

    /** What runs on a process: a lease held, a RUNNING backup, an engine slot on a database host. */
    public record Work(String instance, String what, String host, long pid, Instant since) {
    }

    public static ClusterState read(Catalog catalog) {
        try (Connection c = catalog.connection()) {
            return new ClusterState(nodes(c), executing(c), running(c));
        } catch (SQLException e) {
            throw new CatalogException("read the cluster's state", e);
        }
    }

    private static List<Node> nodes(Connection c) throws SQLException {
        List<Node> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT SCHED_NAME, INSTANCE_NAME, LAST_CHECKIN_TIME, "
                + "CHECKIN_INTERVAL FROM QRTZ_SCHEDULER_STATE ORDER BY SCHED_NAME, INSTANCE_NAME");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Node(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                        Duration.ofMillis(rs.getLong(4))));
            }
        }
        return out;
    }

    /** Every job being executed but the lock passes (one every few seconds per instance: noise here). */
    private static List<Fired> executing(Connection c) throws SQLException {
        List<Fired> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT SCHED_NAME, INSTANCE_NAME, JOB_GROUP, JOB_NAME, "
                + "FIRED_TIME FROM QRTZ_FIRED_TRIGGERS WHERE STATE='EXECUTING' AND JOB_NAME<>'locks' "
                + "ORDER BY FIRED_TIME");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Fired(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5))));
            }
        }
        return out;
    }

    private static List<Work> running(Connection c) throws SQLException {
        List<Work> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT instance, host, pid, acquired_at FROM leases ORDER BY instance");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Work(rs.getString(1), "lease", rs.getString(2), rs.getLong(3),
                        Instant.ofEpochMilli(rs.getLong(4))));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT instance, id, owner_host, owner_pid, started_at "
                + "FROM backups WHERE status='RUNNING' ORDER BY started_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Work(rs.getString(1), "backup " + rs.getString(2), rs.getString(3), rs.getLong(4),
                        Instant.ofEpochMilli(rs.getLong(5))));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT instance, db_host, node_host, pid, acquired_at "
                + "FROM engine_slots ORDER BY acquired_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Work(rs.getString(1), "engine slot on " + rs.getString(2), rs.getString(3),
                        rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5))));
            }
        }
        return out;
    }
}
