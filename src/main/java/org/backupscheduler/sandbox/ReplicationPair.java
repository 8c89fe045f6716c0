package org.backupscheduler.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A sandbox primary and a replica of it, replicating by GTID through a {@code repl} account.
 */
public final class ReplicationPair implements AutoCloseable {
    public static final String REPL_USER = "repl";
    public static final String REPL_PASSWORD = "repl-sandbox-pw";

    private final SandboxServer primary;
    private final SandboxServer replica;

    private ReplicationPair(SandboxServer primary, SandboxServer replica) {
        this.primary = primary;
        this.replica = replica;
    }

    public static ReplicationPair start(String prefix) throws IOException, SQLException {
        return start(prefix, Path.of("/tmp"));
    }

    /** Starts both servers in their own directories under {@code parent}. */
    public static ReplicationPair start(String prefix, Path parent) throws IOException, SQLException {
        SandboxServer primary = SandboxServer.start(SandboxOptions.primary(prefix + "p").under(parent));
        SandboxServer replica = null;
        try {
            replica = SandboxServer.start(SandboxOptions.replica(prefix + "r", 2).under(parent));
            ReplicationPair pair = new ReplicationPair(primary, replica);
            pair.attach();
            return pair;
        } catch (IOException | SQLException | RuntimeException e) {
            primary.close();
            if (replica != null) {
                replica.close();
            }
            throw e;
        }
    }

    private void attach() throws SQLException, IOException {
        primary.execute(
                "CREATE USER '" + REPL_USER + "'@'127.0.0.1' IDENTIFIED BY '" + REPL_PASSWORD + "'",
                "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '" + REPL_USER + "'@'127.0.0.1'");
        replica.execute(
                "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port()
                        + ", MASTER_USER='" + REPL_USER + "', MASTER_PASSWORD='" + REPL_PASSWORD
                        + "', MASTER_USE_GTID=slave_pos",
                "START SLAVE");
        awaitCaughtUp(Duration.ofSeconds(30));
    }

    /** Waits until the replica has applied everything the primary has written so far. */
    public void awaitCaughtUp(Duration timeout) throws SQLException, IOException {
        String target = SqlValues.single(primary, "SELECT @@gtid_binlog_pos");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String applied = SqlValues.single(replica, "SELECT @@gtid_slave_pos");
            if (target == null || target.isEmpty() || target.equals(applied)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IOException("replica did not reach primary GTID " + target + " in "
                + timeout.toSeconds() + "s");
    }

    /**
     * The field report's failure, for real: replication stopped while the primary writes, the
     * primary purges its binlogs (as a DBA freeing disk would), and the restarted replica fails
     * with error 1236. Returns once SHOW SLAVE STATUS shows it.
     */
    public void breakWith1236(Runnable writesWhileStopped) throws SQLException, IOException {
        replica.execute("STOP SLAVE");
        writesWhileStopped.run();
        primary.execute("FLUSH BINARY LOGS");
        purgeAllButNewestBinlog();
        replica.execute("START SLAVE");
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if ("1236".equals(slaveStatus("Last_IO_Errno"))) {
                return;
            }
            sleep(200);
        }
        throw new IOException("the replica never reported error 1236");
    }

    /**
     * Purges every binlog but the newest. The server keeps a log until its binlog checkpoint is
     * written (asynchronously after FLUSH), so this retries for a while.
     */
    public void purgeAllButNewestBinlog() throws SQLException, IOException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            List<String> logs = new ArrayList<>();
            try (Connection c = primary.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    logs.add(rs.getString(1));
                }
            }
            if (logs.size() == 1) {
                return;
            }
            // A file name the server just listed, not input.
            primary.execute("PURGE BINARY LOGS TO '" + logs.get(logs.size() - 1) + "'");
            sleep(200);
        }
        throw new IOException("the primary kept its old binlogs");
    }

    /** One column of the replica's SHOW SLAVE STATUS, or null when replication is not configured. */
    public String slaveStatus(String column) throws SQLException {
        try (Connection c = replica.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString(column) : null;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The config section that lets {@code backup restore} rebuild this replica as it would a real
     * one: its stop and start commands (for the sandbox's own option file), its datadir unless
     * {@code datadirLine} replaces that line (null: no datadir key), and the primary's
     * replication account.
     */
    public String replicaConfigYaml(String name, Path replPasswordFile, String datadirLine) {
        return String.join("\n",
                "replicas:",
                "  " + name + ":",
                "    host: 127.0.0.1",
                "    port: " + replica.port(),
                "    user: root",
                datadirLine == null ? "" : "    " + datadirLine,
                "    stop-command: [mariadb-admin, '--defaults-file=" + replica.cnf() + "', --user=root, shutdown]",
                "    start-command: [start-stop-daemon, --start, --background, --pidfile, '"
                        + replica.home().resolve("mariadbd.pid") + "', --exec, /usr/sbin/mariadbd, --, "
                        + "'--defaults-file=" + replica.cnf() + "']",
                "    primary: {host: 127.0.0.1, port: " + primary.port() + ", user: " + REPL_USER
                        + ", password-file: " + replPasswordFile + "}",
                "");
    }

    public SandboxServer primary() {
        return primary;
    }

    public SandboxServer replica() {
        return replica;
    }

    @Override
    public void close() {
        replica.close();
        primary.close();
    }
}
