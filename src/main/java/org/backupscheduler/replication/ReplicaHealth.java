package org.backupscheduler.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * {@code backup replica check}: is this replica replicating, and can it keep doing so? Besides
 * its threads and lag: does its primary still have the binlog it needs next (if not, error 1236
 * and only a rebuild helps), and will the primary purge it before the replica gets there?
 */
public record ReplicaHealth(String name, Optional<ReplicationState> state, List<String> problems,
                            List<String> risks, String needs) {

    public boolean healthy() {
        return problems.isEmpty() && risks.isEmpty();
    }

    public static ReplicaHealth check(String name, Endpoint replica, Endpoint primary, Duration maxLag) {
        List<String> problems = new ArrayList<>();
        List<String> risks = new ArrayList<>();
        Optional<ReplicationState> state;
        String gtidPos = null;
        try (Connection c = ServerConnections.open(replica)) {
            state = ReplicationStates.read(c);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@gtid_slave_pos")) {
                gtidPos = rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                gtidPos = null; // MySQL
            }
        } catch (SQLException e) {
            problems.add("cannot connect to replica " + replica.address() + ": " + e.getMessage());
            return new ReplicaHealth(name, Optional.empty(), problems, risks, null);
        }
        if (state.isEmpty()) {
            problems.add("replica " + name + " has no replication configured (SHOW SLAVE STATUS is empty)");
            return new ReplicaHealth(name, state, problems, risks, null);
        }
        ReplicationState s = state.get();
        Freshness f = Freshness.judge(s, maxLag);
        if (!f.fresh()) {
            problems.add(f.reason());
        }
        boolean gtid = s.usingGtid() != null && !"No".equalsIgnoreCase(s.usingGtid());
        Coordinates needs = gtid && gtidPos != null && !gtidPos.isEmpty() ? new Coordinates(null, null, gtidPos)
                : new Coordinates(s.primaryLogFile(), s.readPosition(), null);
        try (Connection c = ServerConnections.open(primary)) {
            String missing = PrimaryBinlogs.read(c).missing(needs, "the replica");
            if (missing != null) {
                problems.add(missing + ": the replica cannot catch up; rebuild it with 'backup restore --latest'");
            } else if (s.secondsBehind() != null) {
                long expiry = expirySeconds(c);
                if (expiry > 0 && s.secondsBehind() * 2 > expiry) {
                    risks.add("the replica is " + s.secondsBehind() + "s behind and the primary purges binlogs after "
                            + expiry + "s: the binlog it needs may be purged before it gets there");
                }
            }
        } catch (SQLException e) {
            risks.add("cannot reach the primary " + primary.address() + " to check its binlogs: " + e.getMessage());
        }
        return new ReplicaHealth(name, state, problems, risks, needs.toString().strip());
    }

    private static long expirySeconds(Connection c) {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@binlog_expire_logs_seconds")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            return 0;
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replica", name);
        m.put("healthy", healthy());
        state.ifPresent(s -> {
            m.put("io_running", s.ioRunning());
            m.put("sql_running", s.sqlRunning());
            m.put("seconds_behind", s.secondsBehind());
            m.put("last_io_errno", s.lastIoErrno());
            m.put("last_io_error", s.lastIoError());
            m.put("last_sql_errno", s.lastSqlErrno());
            m.put("last_sql_error", s.lastSqlError());
            m.put("primary", s.primaryAddress());
        });
        m.put("needs_next", needs);
        m.put("problems", problems);
        m.put("risks", risks);
        return m;
    }
}
