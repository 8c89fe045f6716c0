package org.backupscheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config that names only sockets, with root logging in by {@code unix_socket} and no password,
 * as Debian sets a database host up (the tests run as root): backup, verify and restore.
 */
class SocketIT {
    private static final String REPL_PASSWORD = "repl-socket-pw";

    @TempDir
    Path dir;
    private static SandboxServer primary;
    private static SandboxServer replica;

    @BeforeAll
    static void start() throws Exception {
        primary = SandboxServer.start(SandboxOptions.primary("sokp"));
        replica = SandboxServer.start(SandboxOptions.replica("sokr", 2));
        primary.execute("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '" + REPL_PASSWORD + "'",
                "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1'");
        Workload.load(primary, 2_000);
        // Debian's root: no password, the socket's peer must be the OS user root. The sandboxes'
        // own TCP root (root@127.0.0.1) stays as it is for the test's checks.
        for (SandboxServer s : new SandboxServer[] {primary, replica}) {
            s.execute("ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket");
            assertEquals("unix_socket", SqlValues.single(s, "SELECT JSON_VALUE(Priv, '$.plugin') FROM "
                    + "mysql.global_priv WHERE User = 'root' AND Host = 'localhost'"));
        }
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

    private Path config(Path sourceSocket) throws IOException {
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", REPL_PASSWORD);
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n",
                "instance: sock",
                "repository: " + dir.resolve("repo"),
                "source:",
                "  socket: " + sourceSocket,
                "  user: root",
                "engine:",
                "  parallel: 2",
                "replicas:",
                "  r1:",
                "    socket: " + replica.socket(),
                "    user: root",
                "    datadir: " + replica.datadir(),
                "    stop-command: [mariadb-admin, '--defaults-file=" + replica.cnf() + "', --user=root, shutdown]",
                "    start-command: [start-stop-daemon, --start, --background, --pidfile, '"
                        + replica.home().resolve("mariadbd.pid") + "', --exec, /usr/sbin/mariadbd, --, "
                        + "'--defaults-file=" + replica.cnf() + "']",
                "    primary: {host: 127.0.0.1, port: " + primary.port() + ", user: repl, password-file: " + replPw
                        + "}",
                ""));
        return file;
    }

    @Test
    void socketOnlyWithUnixSocketRootBacksUpVerifiesAndRestores() throws Exception {
        Path config = config(primary.socket());

        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("VERIFIED", TestSetup.newest(config).get("status"));
        assertEquals(primary.socket().toString(), TestSetup.newest(config).get("source"));

        Result verify = TestSetup.cli("--config", config.toString(), "verify", "--latest");
        assertEquals(0, verify.exitCode(), verify.toString());

        Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
        assertEquals(0, restore.exitCode(), restore.toString());
        assertEquals("Yes", slaveStatus("Slave_IO_Running"));
        assertEquals("Yes", slaveStatus("Slave_SQL_Running"));
        primary.execute("CREATE TABLE shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO shop.marks VALUES ('after-restore')");
        assertEquals(1, awaitCount("SELECT COUNT(*) FROM shop.marks WHERE name = 'after-restore'"));
        assertEquals(SqlValues.count(primary, "SELECT COUNT(*) FROM shop.orders"),
                SqlValues.count(replica, "SELECT COUNT(*) FROM shop.orders"));
    }

    @Test
    void aSocketThatIsNotThereSaysSoAndNotToReadAnEngineLog() throws IOException {
        Path missing = dir.resolve("no-server.sock");

        Result run = TestSetup.cli("--config", config(missing).toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        String[] lines = run.err().strip().split("\n");
        assertTrue(lines[0].contains("cannot connect to source " + missing + " as root: Communications link failure: "
                + "No such file or directory"), run.err());
        assertTrue(lines[lines.length - 1].startsWith("HINT: no engine ran; check source:"), run.err());
        assertFalse(run.err().contains("backup.log"), run.err());
    }

    private static long awaitCount(String sql) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            try {
                long n = SqlValues.count(replica, sql);
                if (n > 0) {
                    return n;
                }
            } catch (SQLException notYet) {
                // the table has not arrived yet
            }
            Thread.sleep(200);
        }
        return SqlValues.count(replica, sql);
    }

    private static String slaveStatus(String column) throws SQLException {
        try (Connection c = replica.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString(column) : null;
        }
    }
}
