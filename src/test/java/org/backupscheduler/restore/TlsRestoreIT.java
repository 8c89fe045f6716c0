package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.TestCertificates;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restored replica replicates over TLS: the primary accepts no plain TCP login
 * ({@code require_secure_transport=ON}), so a replica that runs and catches up is one whose
 * replication connection ({@code CHANGE MASTER ... MASTER_SSL=1}) uses TLS.
 */
class TlsRestoreIT {
    private static final String REPL_PASSWORD = "repl-tls-pw";

    @TempDir
    static Path pki;
    @TempDir
    Path dir;
    private static TestCertificates certs;
    private static SandboxServer primary;
    private static SandboxServer replica;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.make(pki);
        primary = SandboxServer.start(SandboxOptions.primary("tlrp").withTls(certs.sandbox()));
        replica = SandboxServer.start(SandboxOptions.replica("tlrr", 2));
        TestSetup.createBackupUser(primary);
        primary.execute("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '" + REPL_PASSWORD + "'",
                "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1'");
        Workload.load(primary, 2_000);
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    /** Backs up the TLS primary; r1 is restored from it and replicates with {@code primaryTls}. */
    private Path config(String primaryTls) throws IOException {
        Path pw = TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD);
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", REPL_PASSWORD);
        String yaml = primary.sourceConfigYaml("tlr", dir.resolve("repo"), TestSetup.BACKUP_USER, pw)
                .replace("engine:\n", "  tls: {mode: verify-identity, ca-file: " + certs.ca() + "}\nengine:\n")
                + String.join("\n",
                "replicas:",
                "  r1:",
                "    host: 127.0.0.1",
                "    port: " + replica.port(),
                "    user: root",
                "    datadir: " + replica.datadir(),
                "    stop-command: [mariadb-admin, '--defaults-file=" + replica.cnf() + "', --user=root, shutdown]",
                "    start-command: [start-stop-daemon, --start, --background, --pidfile, '"
                        + replica.home().resolve("mariadbd.pid") + "', --exec, /usr/sbin/mariadbd, --, "
                        + "'--defaults-file=" + replica.cnf() + "']",
                "    primary:",
                "      host: 127.0.0.1",
                "      port: " + primary.port(),
                "      user: repl",
                "      password-file: " + replPw,
                primaryTls == null ? "" : "      tls: " + primaryTls,
                "");
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private void backupAndRestore(Path config) throws IOException {
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        assertEquals(0, restore.exitCode(), restore.toString());
    }

    @Test
    void verifyCaReplicatesOverTlsCheckedAgainstTheCa() throws Exception {
        backupAndRestore(config("{mode: verify-ca, ca-file: " + certs.ca() + "}"));

        assertEquals("Yes", slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", slaveStatus("Master_SSL_Allowed"));
        assertEquals(certs.ca().toString(), slaveStatus("Master_SSL_CA_File"));
        assertEquals("No", slaveStatus("Master_SSL_Verify_Server_Cert"));
        assertRowArrives("after-verify-ca");
    }

    @Test
    void preferredReplicatesOverTlsWhenThePrimaryOffersIt() throws Exception {
        backupAndRestore(config(null));

        assertEquals("Yes", slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", slaveStatus("Master_SSL_Allowed"));
        assertEquals("", slaveStatus("Master_SSL_CA_File"));
        assertRowArrives("after-preferred");
    }

    /** A row written on the primary now reaches the replica: the IO thread is connected, over TLS. */
    private static void assertRowArrives(String mark) throws Exception {
        primary.execute("CREATE TABLE IF NOT EXISTS shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO shop.marks VALUES ('" + mark + "')");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        long seen = 0;
        while (Instant.now().isBefore(deadline) && seen == 0) {
            try {
                seen = SqlValues.count(replica, "SELECT COUNT(*) FROM shop.marks WHERE name = '" + mark + "'");
            } catch (SQLException notYet) {
                // the table itself has not arrived yet
            }
            Thread.sleep(200);
        }
        assertEquals(1, seen, "the row reached the replica; Last_IO_Error: " + slaveStatus("Last_IO_Error"));
    }

    private static String slaveStatus(String column) throws SQLException {
        try (Connection c = replica.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString(column) : null;
        }
    }
}
