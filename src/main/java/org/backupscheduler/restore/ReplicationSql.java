package org.backupscheduler.restore;

import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.config.TlsConfig;
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
 * and the primary's {@code tls:} becomes {@code MASTER_SSL*} ({@code SOURCE_SSL*} on MySQL).
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
        StringBuilder change = new StringBuilder("CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, "
                + "MASTER_PASSWORD = ?");
        List<Object> params = new ArrayList<>(List.of(p.host(), p.port(), p.user(), pw(p)));
        if (from.gtid() != null) {
            steps.add(SqlStep.of("SET GLOBAL gtid_slave_pos = ?", from.gtid()));
            change.append(", MASTER_USE_GTID = slave_pos");
        } else {
            change.append(", MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?, MASTER_USE_GTID = no");
            params.addAll(List.of(from.binlogFile(), from.binlogPosition()));
        }
        tls("MASTER", p.tls(), change, params);
        steps.add(new SqlStep(change.toString(), params));
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
        StringBuilder change = new StringBuilder("CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, "
                + "SOURCE_USER = ?, SOURCE_PASSWORD = ?");
        List<Object> params = new ArrayList<>(List.of(p.host(), p.port(), p.user(), pw(p)));
        if (from.gtid() != null) {
            // gtid_purged can only be set on an empty gtid_executed: the restored server's own.
            steps.add(SqlStep.of("RESET MASTER"));
            steps.add(SqlStep.of("SET GLOBAL gtid_purged = ?", from.gtid()));
            change.append(", SOURCE_AUTO_POSITION = 1");
        } else {
            change.append(", SOURCE_LOG_FILE = ?, SOURCE_LOG_POS = ?");
            params.addAll(List.of(from.binlogFile(), from.binlogPosition()));
        }
        tls("SOURCE", p.tls(), change, params);
        steps.add(new SqlStep(change.toString(), params));
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

    /**
     * The replica's own connection to the primary, as {@code replicas.<name>.primary.tls} says;
     * the files are bound like every other value, and must be readable by the replica's server
     * process on its host. {@code preferred} has no replication equivalent: the caller decides it
     * ({@link ReplicaAttachment}), so here it leaves the server's default.
     */
    static void tls(String prefix, TlsConfig tls, StringBuilder change, List<Object> params) {
        switch (tls.mode()) {
            case PREFERRED -> {
                return;
            }
            case DISABLED -> {
                change.append(", ").append(prefix).append("_SSL = 0");
                return;
            }
            case REQUIRED -> change.append(", ").append(prefix).append("_SSL = 1");
            case VERIFY_CA, VERIFY_IDENTITY -> {
                change.append(", ").append(prefix).append("_SSL = 1, ").append(prefix).append("_SSL_CA = ?");
                params.add(tls.caFile().toAbsolutePath().toString());
            }
        }
        change.append(", ").append(prefix).append("_SSL_VERIFY_SERVER_CERT = ")
                .append(tls.mode() == TlsConfig.Mode.VERIFY_IDENTITY ? 1 : 0);
        if (tls.hasClientCertificate()) {
            change.append(", ").append(prefix).append("_SSL_CERT = ?, ").append(prefix).append("_SSL_KEY = ?");
            params.add(tls.certFile().toAbsolutePath().toString());
            params.add(tls.keyFile().toAbsolutePath().toString());
        }
    }

    private static String pw(Endpoint p) {
        return p.password() == null ? "" : p.password();
    }
}
