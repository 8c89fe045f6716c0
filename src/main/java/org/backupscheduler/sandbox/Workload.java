package org.backupscheduler.sandbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small dataset (InnoDB and MyISAM) and a writer that keeps inserting while a backup runs. The
 * writer measures its longest stall: a lock-free backup must not stop it for long.
 */
public class Workload implements AutoCloseable {
    private final SandboxServer server;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong longestStallNanos = new AtomicLong();
    private Thread writer;

    public Workload(SandboxServer server) {
        this.server = server;
    }

    /** Creates shop.orders (InnoDB) and shop.audit (MyISAM) with {@code rows} rows each. */
    public static void load(SandboxServer server, int rows) throws SQLException {
        server.execute("CREATE DATABASE IF NOT EXISTS shop",
                "CREATE TABLE IF NOT EXISTS shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "customer VARCHAR(64) NOT NULL, amount DECIMAL(10,2) NOT NULL, note VARCHAR(255)) ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS shop.audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "event VARCHAR(128) NOT NULL) ENGINE=MyISAM");
        try (Connection c = server.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement o = c.prepareStatement(
                    "INSERT INTO shop.orders (customer, amount, note) VALUES (?, ?, REPEAT('x', 200))");
                 PreparedStatement a = c.prepareStatement("INSERT INTO shop.audit (event) VALUES (?)")) {
                for (int i = 0; i < rows; i++) {
                    o.setString(1, "customer-" + (i % 97));
                    o.setBigDecimal(2, java.math.BigDecimal.valueOf(i % 1000, 2));
                    o.addBatch();
                    a.setString(1, "event-" + i);
                    a.addBatch();
                    if (i % 1000 == 999) {
                        o.executeBatch();
                        a.executeBatch();
                        c.commit();
                    }
                }
                o.executeBatch();
                a.executeBatch();
                c.commit();
            }
        }
    }

    /** Which tables one round of the writer inserts into. */
    public enum Writes {
        /** shop.orders (InnoDB) then shop.audit (MyISAM): one round touches both engines. */
        BOTH,
        /** shop.orders only: what a lock-free backup must not stop. */
        INNODB,
        /** shop.audit only: MyISAM tables are locked while any engine copies them. */
        MYISAM
    }

    /** Starts inserting into both tables until closed. */
    public Workload startWriter() {
        return startWriter(Writes.BOTH);
    }

    /** Starts inserting, one round at a time, into the tables {@code writes} names until closed. */
    public Workload startWriter(Writes writes) {
        return startWriter(writes, 0);
    }

    /**
     * As {@link #startWriter(Writes)}, resting {@code pauseMillis} between rounds: a MyISAM insert
     * needs no fsync, so an unpaced MyISAM writer takes a whole core (and floods the binary log).
     */
    public Workload startWriter(Writes writes, long pauseMillis) {
        running.set(true);
        writer = new Thread(() -> {
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                while (running.get()) {
                    long start = System.nanoTime();
                    if (writes != Writes.MYISAM) {
                        st.executeUpdate("INSERT INTO shop.orders (customer, amount) VALUES ('writer', 1.00)");
                    }
                    if (writes != Writes.INNODB) {
                        st.executeUpdate("INSERT INTO shop.audit (event) VALUES ('writer')");
                    }
                    long took = System.nanoTime() - start;
                    longestStallNanos.accumulateAndGet(took, Math::max);
                    written.incrementAndGet();
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            } catch (SQLException e) {
                if (running.get()) {
                    throw new IllegalStateException("writer failed", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "workload-writer-" + writes.name().toLowerCase(java.util.Locale.ROOT));
        writer.setDaemon(true);
        writer.start();
        return this;
    }

    public long written() {
        return written.get();
    }

    /** The longest time one round of writes (an insert into each table of its {@link Writes}) took. */
    public long longestStallMillis() {
        return longestStallNanos.get() / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (writer != null) {
            writer.join(10_000);
        }
    }
}
