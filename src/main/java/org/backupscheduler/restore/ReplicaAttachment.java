package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.config.TlsConfig;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.replication.PrimaryBinlogs;
import org.backupscheduler.replication.ReplicationState;
import org.backupscheduler.replication.ReplicationStates;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore's last steps, on the started replica: where to stop for {@code --until}, pointing
 * replication at the primary, and waiting until it runs and has caught up.
 */
final class ReplicaAttachment {
    private static final Logger log = LoggerFactory.getLogger(ReplicaAttachment.class);
    private static final Duration CATCH_UP = Duration.ofMinutes(5);

    private final EngineTool tool;
    private final Clock clock;

    ReplicaAttachment(EngineTool tool, Clock clock) {
        this.tool = tool;
        this.clock = clock;
    }

    /** The last event before {@code --until}, read from the primary's binlogs from the backup's position on. */
    Coordinates untilPosition(RestorePlan plan, Path workDir) throws IOException, SQLException {
        List<String> files;
        try (Connection c = ServerConnections.open(plan.primary())) {
            files = PrimaryBinlogs.read(c).files();
        }
        if (plan.from().binlogFile() != null) {
            files = files.subList(Math.max(0, files.indexOf(plan.from().binlogFile())), files.size());
        }
        Coordinates found = RollForward.until(plan.primary(), files, plan.until(), workDir);
        if (plan.from().gtid() != null) {
            // Nothing newer than the backup before the target: stop where the backup is.
            return new Coordinates(null, null, found.gtid() != null ? newest(found.gtid(), plan.from().gtid())
                    : plan.from().gtid());
        }
        return found.binlogFile() != null ? new Coordinates(found.binlogFile(), found.binlogPosition(), null)
                : new Coordinates(plan.from().binlogFile(), plan.from().binlogPosition(), null);
    }

    /** Per domain, the later of two GTID positions. */
    static String newest(String a, String b) {
        Map<String, Long> sa = PrimaryBinlogs.seqByDomain(a);
        Map<String, Long> sb = PrimaryBinlogs.seqByDomain(b);
        List<String> out = new ArrayList<>();
        for (String g : (a + "," + b).split(",")) {
            String[] p = g.strip().split("-");
            if (p.length == 3 && Long.parseLong(p[2]) == Math.max(sa.getOrDefault(p[0], 0L), sb.getOrDefault(p[0], 0L))
                    && out.stream().noneMatch(x -> x.startsWith(p[0] + "-"))) {
                out.add(g.strip());
            }
        }
        return String.join(",", out);
    }

    /** Points the replica at the primary from the backup's coordinates (GTID where there is one). */
    void attach(RestorePlan plan, Coordinates until) throws SQLException {
        Endpoint primary = replicationTls(plan);
        execute(plan, ReplicationSql.attach(tool.flavor(), plan.from(), primary, until));
    }

    /**
     * Points the replica at the primary from {@code from} but does not start it: after a roll
     * forward from the archive to {@code --until}, the replica stays where the user asked.
     */
    void attachStopped(RestorePlan plan, Coordinates from) throws SQLException {
        List<SqlStep> sql = new ArrayList<>(ReplicationSql.attach(tool.flavor(), from, replicationTls(plan), null));
        sql.remove(sql.size() - 1); // START SLAVE
        execute(plan, sql);
    }

    private static void execute(RestorePlan plan, List<SqlStep> sql) throws SQLException {
        try (Connection c = ServerConnections.open(plan.admin())) {
            for (SqlStep step : sql) {
                log.info("replica {}: {}", plan.replicaName(), step.sql());
                try (PreparedStatement ps = c.prepareStatement(step.sql())) {
                    for (int i = 0; i < step.params().size(); i++) {
                        ps.setObject(i + 1, step.params().get(i));
                    }
                    ps.execute();
                } catch (SQLException e) {
                    // A fresh datadir has no replication to stop: only those two may fail.
                    if (!step.sql().startsWith("STOP ")) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * The primary as the replica will reach it. {@code preferred} has no replication equivalent:
     * it becomes TLS when the primary offers it (our own preferred connection to it tells), so
     * the replication password does not travel in clear when it need not.
     */
    private static Endpoint replicationTls(RestorePlan plan) throws SQLException {
        Endpoint primary = plan.primary();
        if (primary.tls().mode() != TlsConfig.Mode.PREFERRED) {
            return primary;
        }
        boolean offered;
        try (Connection c = ServerConnections.open(primary); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            offered = rs.next() && rs.getString(2) != null && !rs.getString(2).isEmpty();
        }
        log.info("replica {}: the primary {} TLS: replicating {} (replicas.{}.primary.tls.mode preferred)",
                plan.replicaName(), offered ? "offers" : "does not offer", offered ? "over TLS" : "in plain",
                plan.replicaName());
        return primary.withTls(primary.tls().withMode(offered ? TlsConfig.Mode.REQUIRED : TlsConfig.Mode.DISABLED));
    }

    /**
     * Waits, bounded, until both threads run and the replica has applied what the primary had
     * when we began ({@code until} null), or until it stopped at {@code until}.
     */
    ReplicationState await(RestorePlan plan, Coordinates until)
            throws SQLException, IOException, InterruptedException {
        Instant deadline = clock.instant().plus(CATCH_UP);
        ReplicationState last = null;
        // "Caught up" means: has applied what the primary had written when we started waiting.
        // Seconds_Behind_Master alone says 0 before the IO thread has fetched anything.
        Coordinates primaryNow = until == null && plan.from().gtid() != null ? primaryGtid(plan) : null;
        while (clock.instant().isBefore(deadline)) {
            try (Connection c = ServerConnections.open(plan.admin())) {
                Optional<ReplicationState> s = ReplicationStates.read(c);
                if (s.isPresent()) {
                    last = s.get();
                    if (last.lastIoErrno() != 0 || last.lastSqlErrno() != 0) {
                        throw new IOException("replication failed: " + last.describe() + "; Last_IO_Errno "
                                + last.lastIoErrno() + ": " + last.lastIoError() + "; Last_SQL_Errno "
                                + last.lastSqlErrno() + ": " + last.lastSqlError());
                    }
                    if (until == null && last.running() && last.secondsBehind() != null
                            && last.secondsBehind() == 0 && (primaryNow == null || reached(c, primaryNow))) {
                        return last;
                    }
                    if (until != null && !last.sqlRunning() && reached(c, until)) {
                        return last;
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new IOException("replication did not " + (until == null ? "catch up" : "reach " + until) + " within "
                + CATCH_UP.toMinutes() + " min" + (last == null ? "" : ": " + last.describe()));
    }

    private static Coordinates primaryGtid(RestorePlan plan) throws SQLException {
        try (Connection c = ServerConnections.open(plan.primary()); var st = c.createStatement();
             var rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            String pos = rs.getString(1);
            return pos == null || pos.isEmpty() ? null : new Coordinates(null, null, pos);
        } catch (SQLException e) {
            return null; // MySQL, or no GTIDs: fall back to the lag alone.
        }
    }

    private static boolean reached(Connection c, Coordinates until) throws SQLException {
        if (until.gtid() == null) {
            return true;
        }
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT @@gtid_slave_pos")) {
            rs.next();
            Map<String, Long> at = PrimaryBinlogs.seqByDomain(rs.getString(1));
            return PrimaryBinlogs.seqByDomain(until.gtid()).entrySet().stream()
                    .allMatch(e -> at.getOrDefault(e.getKey(), -1L) >= e.getValue());
        }
    }
}
