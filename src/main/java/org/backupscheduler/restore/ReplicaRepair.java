package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.binlogs.BinlogStore;
import org.backupscheduler.binlogs.Gtid;
import org.backupscheduler.binlogs.Replay;
import org.backupscheduler.catalog.BinlogFiles;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.replication.PrimaryBinlogs;
import org.backupscheduler.replication.ReplicationState;
import org.backupscheduler.replication.ReplicationStates;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * {@code backup replica repair NAME}: a replica whose next events the primary has purged (error
 * 1236) gets them from the binlog archive instead of a rebuild. Its datadir is not touched:
 * <ol>
 * <li>read its {@code gtid_slave_pos} and the primary's oldest binlog: repair only when the primary
 * cannot serve the replica, and only when the archive holds every event from the replica's
 * position to past the primary's oldest (else refuse, naming the range, with restore as the way);
 * <li>stop replication, replay the archived events (they keep their GTIDs);
 * <li>set {@code gtid_slave_pos} to where the archive ends — a position the primary still has —
 * start replication and wait until both threads run and lag is 0.
 * </ol>
 */
public final class ReplicaRepair {
    private static final Duration CATCH_UP = Duration.ofMinutes(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What was replayed, and the replication state at the end. */
    public record Outcome(String replica, int files, String from, String to, ReplicationState state) {
    }

    private ReplicaRepair() {
    }

    /**
     * For {@code replica check}: null when {@code repair} would heal the replica from the archive,
     * else why it would refuse.
     */
    public static String assess(String name, Endpoint replica, Endpoint primary, String instance, BinlogFiles index) {
        try {
            check(name, replica, primary, instance, index);
            return null;
        } catch (UserError e) {
            return e.getMessage();
        } catch (SQLException e) {
            return "cannot read the replica's or the primary's position: " + e.getMessage();
        }
    }

    public static Outcome repair(String name, Endpoint replica, Endpoint primary, String instance, BinlogFiles index,
                                 BinlogStore store, Path scratchParent) throws IOException, SQLException {
        // 1. Is it the case for a repair, and does the archive cover it?
        Replay.Plan plan = check(name, replica, primary, instance, index);
        // 2. Replay, replication stopped, in a private scratch folder removed afterwards.
        execute(replica, "STOP SLAVE");
        return replayAndAttach(name, replica, store, plan, scratchParent);
    }

    private static Replay.Plan check(String name, Endpoint replica, Endpoint primary, String instance,
                                     BinlogFiles index) throws SQLException {
        String slavePos = gtidSlavePos(replica);
        PrimaryBinlogs onPrimary;
        try (Connection c = ServerConnections.open(primary)) {
            onPrimary = PrimaryBinlogs.read(c);
        }
        String missing = onPrimary.missing(new Coordinates(null, null, slavePos), "the replica");
        if (missing == null) {
            throw new UserError("replica " + name + " needs nothing from the archive: the primary still has the "
                    + "events after its position " + slavePos, "start its replication: START SLAVE (or bin/backup "
                    + "replica check " + name + " to see what is wrong)", UserError.FAILED);
        }
        Replay.Plan plan = Replay.plan(index.list(instance), slavePos);
        Map<Long, Gtid> oldest = byDomain(onPrimary.oldestGtidState());
        for (Gtid need : oldest.values()) {
            Gtid reached = plan.to().get(need.domain());
            if (reached == null || reached.seq() < need.seq()) {
                throw new UserError("the archive ends at " + (plan.files().isEmpty() ? slavePos : plan.toText())
                        + " but the primary's oldest binlog " + onPrimary.files().get(0) + " starts after " + need
                        + ": the events between are in neither", "archive the newest files first (bin/backup binlogs "
                        + "pull --once), or rebuild the replica: bin/backup restore --latest", UserError.FAILED);
            }
        }
        return plan;
    }

    private static Outcome replayAndAttach(String name, Endpoint replica, BinlogStore store, Replay.Plan plan,
                                           Path scratchParent) throws IOException, SQLException {
        Path work = scratchParent.resolve("bs-repair-" + HexFormat.of().formatHex(RANDOM.generateSeed(6)));
        OwnedFolders.makeScratch(work);
        try {
            ProcessResult r = Replay.apply(store, plan, replica, work);
            if (!r.succeeded()) {
                throw new UserError("replaying the archive on replica " + name + " failed: " + r.describe(),
                        "the replica is stopped with part of the events applied; rebuild it: bin/backup restore "
                                + "--latest", UserError.FAILED);
            }
        } finally {
            OwnedFolders.deleteScratch(work);
        }
        // 3. Re-attach at the archive's end, which the primary still has.
        try (Connection c = ServerConnections.open(replica);
             PreparedStatement ps = c.prepareStatement("SET GLOBAL gtid_slave_pos = ?")) {
            ps.setString(1, plan.toText());
            ps.execute();
        }
        execute(replica, "CHANGE MASTER TO MASTER_USE_GTID = slave_pos", "START SLAVE");
        return new Outcome(name, plan.files().size(), plan.fromText(), plan.toText(), awaitCaughtUp(name, replica));
    }

    private static ReplicationState awaitCaughtUp(String name, Endpoint replica) throws SQLException {
        Instant deadline = Instant.now().plus(CATCH_UP);
        ReplicationState s = null;
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = ServerConnections.open(replica)) {
                s = ReplicationStates.read(c).orElse(null);
            }
            if (s != null && s.running() && s.secondsBehind() != null && s.secondsBehind() == 0) {
                return s;
            }
            if (s != null && (s.lastIoErrno() != 0 || s.lastSqlErrno() != 0) && !s.running()) {
                break;
            }
            sleep();
        }
        throw new UserError("replica " + name + " did not catch up after the replay: "
                + (s == null ? "replication is not configured" : s.describe() + (s.lastIoErrno() != 0 ? ", IO error "
                + s.lastIoErrno() + " " + s.lastIoError() : "") + (s.lastSqlErrno() != 0 ? ", SQL error "
                + s.lastSqlErrno() + " " + s.lastSqlError() : "")),
                "look at SHOW SLAVE STATUS on the replica; bin/backup restore --latest rebuilds it", UserError.FAILED);
    }

    private static String gtidSlavePos(Endpoint replica) throws SQLException {
        try (Connection c = ServerConnections.open(replica); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT @@gtid_slave_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(Endpoint e, String... sql) throws SQLException {
        try (Connection c = ServerConnections.open(e); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static Map<Long, Gtid> byDomain(String list) {
        Map<Long, Gtid> m = new java.util.TreeMap<>();
        for (Gtid g : Gtid.parseList(list)) {
            m.merge(g.domain(), g, (a, b) -> a.seq() >= b.seq() ? a : b);
        }
        return m;
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
