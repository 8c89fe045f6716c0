package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import java.util.List;

import org.backupscheduler.config.TlsConfig;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.Flavor;
import org.backupscheduler.server.Endpoint;
import org.junit.jupiter.api.Test;

/** The statements that re-attach a restored replica; MySQL's cannot run here, so what we build is tested. */
class ReplicationSqlTest {
    private static final Endpoint PRIMARY = new Endpoint("10.0.0.1", 3306, null, "repl", "s3cret'pw");

    private static List<String> sql(List<SqlStep> steps) {
        return steps.stream().map(SqlStep::sql).toList();
    }

    @Test
    void mariadbWithGtidUsesSlavePos() {
        List<SqlStep> steps = ReplicationSql.attach(Flavor.MARIABACKUP, new Coordinates("mysql-bin.000002", 486L,
                "0-1-1508"), PRIMARY, null);
        assertEquals(List.of("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL gtid_slave_pos = ?",
                "CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, "
                        + "MASTER_USE_GTID = slave_pos", "START SLAVE"), sql(steps));
        assertEquals(List.of("0-1-1508"), steps.get(2).params());
        assertEquals(List.of("10.0.0.1", 3306, "repl", "s3cret'pw"), steps.get(3).params());
    }

    @Test
    void mariadbWithoutGtidUsesFileAndPosition() {
        List<SqlStep> steps = ReplicationSql.attach(Flavor.MARIABACKUP, new Coordinates("mysql-bin.000002", 486L,
                null), PRIMARY, new Coordinates("mysql-bin.000003", 99L, null));
        assertEquals(List.of("10.0.0.1", 3306, "repl", "s3cret'pw", "mysql-bin.000002", 486L), steps.get(2).params());
        assertEquals("START SLAVE UNTIL MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?", steps.get(3).sql());
        assertEquals(List.of("mysql-bin.000003", 99L), steps.get(3).params());
    }

    @Test
    void mysqlWithGtidsUsesGtidPurgedAndAutoPosition() {
        String set = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";
        List<SqlStep> steps = ReplicationSql.attach(Flavor.XTRABACKUP, new Coordinates("binlog.000002", 1232L, set),
                PRIMARY, new Coordinates(null, null, set));
        assertEquals(List.of("STOP REPLICA", "RESET REPLICA ALL", "RESET MASTER", "SET GLOBAL gtid_purged = ?",
                "CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, SOURCE_PASSWORD = ?, "
                        + "SOURCE_AUTO_POSITION = 1", "START REPLICA UNTIL SQL_AFTER_GTIDS = ?"), sql(steps));
        assertEquals(List.of(set), steps.get(3).params());
    }

    @Test
    void mysqlWithoutGtidsUsesFileAndPosition() {
        List<SqlStep> steps = ReplicationSql.attach(Flavor.XTRABACKUP, new Coordinates("binlog.000002", 1232L, null),
                PRIMARY, null);
        assertEquals("CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, "
                + "SOURCE_PASSWORD = ?, SOURCE_LOG_FILE = ?, SOURCE_LOG_POS = ?", steps.get(2).sql());
        assertEquals("START REPLICA", steps.get(3).sql());
    }

    @Test
    void mariadbVerifyCaBindsTheFilesAndChecksNoHostName() {
        Endpoint primary = PRIMARY.withTls(new TlsConfig(TlsConfig.Mode.VERIFY_CA, Path.of("/etc/bs/ca.pem"),
                Path.of("/etc/bs/client.pem"), Path.of("/etc/bs/client.key")));
        List<SqlStep> steps = ReplicationSql.attach(Flavor.MARIABACKUP, new Coordinates("mysql-bin.000002", 486L,
                "0-1-1508"), primary, null);
        assertEquals("CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, "
                + "MASTER_USE_GTID = slave_pos, MASTER_SSL = 1, MASTER_SSL_CA = ?, MASTER_SSL_VERIFY_SERVER_CERT = 0, "
                + "MASTER_SSL_CERT = ?, MASTER_SSL_KEY = ?", steps.get(3).sql());
        assertEquals(List.of("10.0.0.1", 3306, "repl", "s3cret'pw", "/etc/bs/ca.pem", "/etc/bs/client.pem",
                "/etc/bs/client.key"), steps.get(3).params());
    }

    @Test
    void mariadbRequiredAndDisabled() {
        Coordinates from = new Coordinates("mysql-bin.000002", 486L, null);
        String required = ReplicationSql.attach(Flavor.MARIABACKUP, from, PRIMARY.withTls(
                new TlsConfig(TlsConfig.Mode.REQUIRED, null, null, null)), null).get(2).sql();
        assertTrue(required.endsWith("MASTER_USE_GTID = no, MASTER_SSL = 1, MASTER_SSL_VERIFY_SERVER_CERT = 0"),
                required);
        String disabled = ReplicationSql.attach(Flavor.MARIABACKUP, from, PRIMARY.withTls(
                new TlsConfig(TlsConfig.Mode.DISABLED, null, null, null)), null).get(2).sql();
        assertTrue(disabled.endsWith("MASTER_USE_GTID = no, MASTER_SSL = 0"), disabled);
    }

    @Test
    void mysqlVerifyIdentityUsesSourceSsl() {
        Endpoint primary = PRIMARY.withTls(new TlsConfig(TlsConfig.Mode.VERIFY_IDENTITY, Path.of("/etc/bs/ca.pem"),
                null, null));
        List<SqlStep> steps = ReplicationSql.attach(Flavor.XTRABACKUP, new Coordinates("binlog.000002", 1232L, null),
                primary, null);
        assertEquals("CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, "
                + "SOURCE_PASSWORD = ?, SOURCE_LOG_FILE = ?, SOURCE_LOG_POS = ?, SOURCE_SSL = 1, SOURCE_SSL_CA = ?, "
                + "SOURCE_SSL_VERIFY_SERVER_CERT = 1", steps.get(2).sql());
        assertEquals("/etc/bs/ca.pem", steps.get(2).params().get(6));
    }

    @Test
    void noCoordinatesNoReplica() {
        assertThrows(IllegalArgumentException.class,
                () -> ReplicationSql.attach(Flavor.MARIABACKUP, Coordinates.NONE, PRIMARY, null));
    }

    @Test
    void newestGtidPerDomain() {
        assertEquals("0-1-9,1-2-3", ReplicaAttachment.newest("0-1-9,1-2-3", "0-1-7"));
    }
}
