package org.backupscheduler.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

import org.backupscheduler.sandbox.SandboxServer;

/**
 * The field report's culprit: a session left from maintenance running a long UPDATE on a MyISAM
 * table. It holds the table while the backup's lock request waits behind it, and every MyISAM
 * writer queues behind that request. It ends when the kill policy KILLs it (or at close).
 */
public final class MaintenanceSession implements AutoCloseable {
    private final SandboxServer server;
    private final AtomicLong id = new AtomicLong();
    private final Thread thread;

    private MaintenanceSession(SandboxServer server) {
        this.server = server;
        this.thread = new Thread(this::run, "demo-maintenance");
        thread.setDaemon(true);
    }

    /** Starts the UPDATE (about 3 ms a row: a minute on the demo's table) and returns once it runs. */
    public static MaintenanceSession start(SandboxServer server) throws InterruptedException {
        MaintenanceSession s = new MaintenanceSession(server);
        s.thread.start();
        for (int i = 0; i < 250 && s.id.get() == 0; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        return s;
    }

    private void run() {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                id.set(rs.getLong(1));
            }
            st.execute("UPDATE shop.audit SET event = CONCAT(event, '') WHERE SLEEP(0.003) = 0");
        } catch (SQLException e) {
            // KILLed by the policy: what the demo shows
        }
    }

    public long id() {
        return id.get();
    }

    /** Whether the UPDATE was still running when the backup finished. */
    public boolean alive() {
        return thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            try {
                server.execute("KILL " + id.get()); // a numeric id we read ourselves
            } catch (SQLException e) {
                // already gone
            }
        }
        thread.join(10_000);
    }
}
