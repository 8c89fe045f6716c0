package org.backupscheduler.sandbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;


/**
 * The field report's culprit: a session left from maintenance running a long UPDATE on MyISAM
 * shop.audit ({@link Workload}'s table). It holds the table while a backup's lock request waits
 * behind it, and every MyISAM writer queues behind that request. It ends when something KILLs it
 * (the kill policy, in the demo) or at close. Used by the demo and by the tests.
 */
public final class LongMyisamUpdate implements AutoCloseable {
    private final SandboxServer server;
    private final AtomicLong id = new AtomicLong();
    private final Thread thread;

    private LongMyisamUpdate(SandboxServer server) {
        this.server = server;
        this.thread = new Thread(this::run, "demo-maintenance");
        thread.setDaemon(true);
    }

    /** Starts the UPDATE (about 3 ms a row: a minute on the demo's table) and returns once it runs. */
    public static LongMyisamUpdate start(SandboxServer server) throws InterruptedException {
        LongMyisamUpdate s = new LongMyisamUpdate(server);
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
            // KILLed: by the policy, or at close
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
