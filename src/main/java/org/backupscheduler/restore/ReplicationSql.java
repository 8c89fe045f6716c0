package org.backupscheduler.restore;

import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.Flavor;
import org.backupscheduler.server.Endpoint;

/**
 * The statements that point a restored replica at its primary from a backup's coordinates. Every
 * value is a bound parameter; the flavour decides the dialect:
 * <ul>
 * <li>MariaDB with a GTID: {@code SET GLOBAL gtid_slave_pos}, then {@code MASTER_USE_GTID=slave_pos};
 * <li>MariaDB without: {@code MASTER_LOG_FILE}/{@code MASTER_LOG_POS};
 * <li>MySQL with GTIDs: {@code RESET MASTER}, {@code SET GLOBAL gtid_purged}, {@code SOURCE_AUTO_POSITION=1};
 * <li>MySQL without: {@code SOURCE_LOG_FILE}/{@code SOURCE_LOG_POS}.
 * </ul>
 */
public final class ReplicationSql {
    private ReplicationSql() {
    }

    /** {@code until} (a GTID position, or file/position) stops the SQL thread there: point-in-time. */
    public static List<SqlStep> attach(Flavor flavor, Coordinates from, Endpoint primary, Coordinates until) {
        if (!from.isKnown()) {
            throw new IllegalArgumentException("the backup has no replication coordinates");
        }
        return flavor == Flavor.XTRABACKUP ? mysql(from, primary, until) : mariadb(from, primary, until);
    }

    static List<SqlStep> mariadb(Coordinates from, Endpoint p, Coordinates until) {
        List<SqlStep> steps = new ArrayList<>();
        steps.add(SqlStep.of("STOP SLAVE"));
        steps.add(SqlStep.of("RESET SLAVE ALL"));
        if (from.gtid() != null) {
            steps.add(SqlStep.of("SET GLOBAL gtid_slave_pos = ?", from.gtid()));
            steps.add(SqlStep.of("CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, "
                    + "MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos", p.host(), p.port(), p.user(), pw(p)));
        } else {
            steps.add(SqlStep.of("CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, "
                    + "MASTER_PASSWORD = ?, MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?, MASTER_USE_GTID = no",
                    p.host(), p.port(), p.user(), pw(p), from.binlogFile(), from.binlogPosition()));
        }
        if (until == null) {
            steps.add(SqlStep.of("START SLAVE"));
        } else if (until.gtid() != null) {
            steps.add(SqlStep.of("START SLAVE UNTIL master_gtid_pos = ?", until.gtid()));
        } else {
            steps.add(SqlStep.of("START SLAVE UNTIL MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?", until.binlogFile(),
                    until.binlogPosition()));
        }
        return steps;
    }

    static List<SqlStep> mysql(Coordinates from, Endpoint p, Coordinates until) {
        List<SqlStep> steps = new ArrayList<>();
        steps.add(SqlStep.of("STOP REPLICA"));
        steps.add(SqlStep.of("RESET REPLICA ALL"));
        if (from.gtid() != null) {
            // gtid_purged can only be set on an empty gtid_executed: the restored server's own.
            steps.add(SqlStep.of("RESET MASTER"));
            steps.add(SqlStep.of("SET GLOBAL gtid_purged = ?", from.gtid()));
            steps.add(SqlStep.of("CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, "
                    + "SOURCE_PASSWORD = ?, SOURCE_AUTO_POSITION = 1", p.host(), p.port(), p.user(), pw(p)));
        } else {
            steps.add(SqlStep.of("CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, "
                    + "SOURCE_PASSWORD = ?, SOURCE_LOG_FILE = ?, SOURCE_LOG_POS = ?", p.host(), p.port(), p.user(),
                    pw(p), from.binlogFile(), from.binlogPosition()));
        }
        if (until == null) {
            steps.add(SqlStep.of("START REPLICA"));
        } else if (until.gtid() != null) {
            steps.add(SqlStep.of("START REPLICA UNTIL SQL_AFTER_GTIDS = ?", until.gtid()));
        } else {
            steps.add(SqlStep.of("START REPLICA UNTIL SOURCE_LOG_FILE = ?, SOURCE_LOG_POS = ?", until.binlogFile(),
                    until.binlogPosition()));
        }
        return steps;
    }

    private static String pw(Endpoint p) {
        return p.password() == null ? "" : p.password();
    }
}
