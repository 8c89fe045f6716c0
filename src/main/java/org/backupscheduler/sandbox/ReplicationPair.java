package org.backupscheduler.sandbox;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

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
        SandboxServer primary = SandboxServer.start(SandboxOptions.primary(prefix + "p"));
        SandboxServer replica = null;
        try {
            replica = SandboxServer.start(SandboxOptions.replica(prefix + "r", 2));
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
                "GRANT REPLICATION SLAVE ON *.* TO '" + REPL_USER + "'@'127.0.0.1'");
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
