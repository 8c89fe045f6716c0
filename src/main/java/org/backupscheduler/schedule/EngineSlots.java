package org.backupscheduler.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.CatalogException;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.SourceConfig;
import org.backupscheduler.config.Limits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's limits on engines ({@code limits:}): at most {@code per-host} at once on one
 * database host, counted in the catalog so that every node of a cluster sees them (migration
 * V17), and at most {@code total} on this node. A fire over a limit waits for a slot (logged as
 * queued), it is not SKIPPED: the backup is late, not lost.
 */
final class EngineSlots implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineSlots.class);
    /** A slot is renewed every third of this; a node silent this long is taken to be dead. */
    static final Duration TTL = Duration.ofMinutes(2);
    /** How often a queued fire looks again; a slot freed elsewhere is taken within this. */
    private static final Duration POLL = Duration.ofMillis(500);

    private final Catalog catalog;
    private final Semaphore node;
    private final int total;
    private final Clock clock;
    private final ProcessIdentity me = ProcessIdentity.current();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "engine-slots-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    EngineSlots(Catalog catalog, Limits limits, Clock clock) {
        this.catalog = catalog;
        this.total = limits.total();
        this.node = new Semaphore(total, true);
        this.clock = clock;
    }

    /** The gate of one instance's scheduled runs: its host, its per-host limit, and its jitter. */
    EngineGate gate(BackupConfig config) {
        String host = engineHost(config.source());
        Limits limits = config.limits();
        return instance -> {
            jitter(instance, limits.jitter());
            return take(instance, host, limits.perHost());
        };
    }

    /** The host the engine runs on: {@code source.ssh.host} when set (the engine runs there), else {@code source.host}. */
    static String engineHost(SourceConfig source) {
        return databaseHost(source.ssh() != null ? source.ssh().host() : source.host());
    }

    /**
     * The database host a source's engine reads: its {@code host} as written (lower case), or this
     * node's name for a socket or a loopback address (the server runs on this node then).
     */
    static String databaseHost(String sourceHost) {
        if (sourceHost == null) {
            return ProcessIdentity.hostName();
        }
        String h = sourceHost.strip().toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]")) {
            return ProcessIdentity.hostName();
        }
        return h;
    }

    /** A random delay of up to {@code jitter} before a fire starts: instances sharing a schedule spread out. */
    private void jitter(String instance, Duration jitter) throws InterruptedException {
        if (jitter.isZero()) {
            return;
        }
        long ms = java.util.concurrent.ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1);
        log.info("{}: waits {} ms before starting (limits.jitter {})", instance, ms, jitter);
        Thread.sleep(ms);
    }

    EngineGate.Pass take(String instance, String host, int perHost) throws InterruptedException {
        Instant queuedAt = clock.instant();
        if (!node.tryAcquire()) {
            log.info("{}: queued: {} engines already run on this node (limits.total {})", instance, total, total);
            while (!node.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                stopIfClosed(instance);
            }
        }
        try {
            Instant lastSaid = null;
            while (true) {
                stopIfClosed(instance);
                List<String> running = new ArrayList<>();
                String owner = tryTake(instance, host, perHost, running);
                if (owner != null) {
                    Duration waited = Duration.between(queuedAt, clock.instant());
                    if (waited.toMillis() >= POLL.toMillis()) {
                        log.info("{}: engine slot on {} taken after {} s in the queue", instance, host,
                                waited.toSeconds());
                    }
                    return pass(owner);
                }
                if (lastSaid == null || Duration.between(lastSaid, clock.instant()).toMinutes() >= 1) {
                    log.info("{}: queued: {} of {} engines at once already run on database host {} ({}; "
                            + "limits.per-host)", instance, running.size(), perHost, host, String.join(", ", running));
                    lastSaid = clock.instant();
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException | RuntimeException e) {
            node.release();
            throw e;
        }
    }

    private void stopIfClosed(String instance) throws InterruptedException {
        if (closed) {
            throw new InterruptedException(instance + ": the daemon is stopping");
        }
    }

    /**
     * One look, in one transaction under the host's row lock: the live slots of the host (those of
     * a dead process of this node and expired ones removed first), and ours added when there is room.
     * Returns our slot's owner id, or null with who holds the host's slots in {@code running}.
     */
    private String tryTake(String instance, String host, int perHost, List<String> running) {
        Instant now = clock.instant();
        try (Connection c = catalog.connection()) {
            ensureHostRow(c, host);
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT db_host FROM engine_hosts WHERE db_host=? FOR UPDATE")) {
                    ps.setString(1, host);
                    ps.executeQuery().close();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM engine_slots WHERE db_host=? AND expires_at<?")) {
                    ps.setString(1, host);
                    ps.setLong(2, now.toEpochMilli());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT owner, instance, node_host, pid FROM engine_slots WHERE db_host=?")) {
                    ps.setString(1, host);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getString(3).equals(me.host()) && rs.getLong(4) != me.pid()
                                    && ProcessHandle.of(rs.getLong(4)).map(p -> !p.isAlive()).orElse(true)) {
                                release(c, rs.getString(1)); // its daemon died on this node
                                continue;
                            }
                            running.add(rs.getString(2) + " on " + rs.getString(3) + " pid " + rs.getLong(4));
                        }
                    }
                }
                if (running.size() >= perHost) {
                    c.commit();
                    return null;
                }
                String owner = UUID.randomUUID().toString();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO engine_slots (owner, db_host, instance, "
                        + "node_host, pid, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, owner);
                    ps.setString(2, host);
                    ps.setString(3, instance);
                    ps.setString(4, me.host());
                    ps.setLong(5, me.pid());
                    ps.setLong(6, now.toEpochMilli());
                    ps.setLong(7, now.plus(TTL).toEpochMilli());
                    ps.executeUpdate();
                }
                c.commit();
                return owner;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new CatalogException("take an engine slot on " + host + " for " + instance, e);
        }
    }

    /** The host's row to lock; made once, outside the transaction (a lost race to insert it is fine). */
    private static void ensureHostRow(Connection c, String host) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM engine_hosts WHERE db_host=?")) {
            ps.setString(1, host);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO engine_hosts (db_host) VALUES (?)")) {
            ps.setString(1, host);
            ps.executeUpdate();
        } catch (SQLException e) {
            // another node inserted it first
        }
    }

    private EngineGate.Pass pass(String owner) {
        long every = Math.max(1, TTL.toMillis() / 3);
        var renewal = heartbeat.scheduleAtFixedRate(() -> renew(owner), every, every, TimeUnit.MILLISECONDS);
        return () -> {
            renewal.cancel(false);
            try (Connection c = catalog.connection()) {
                release(c, owner);
            } catch (SQLException e) {
                log.warn("could not free an engine slot (it expires by itself within {}): {}", TTL, e.getMessage());
            } finally {
                node.release();
            }
        };
    }

    private void renew(String owner) {
        try (Connection c = catalog.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE engine_slots SET expires_at=? WHERE owner=?")) {
            ps.setLong(1, clock.instant().plus(TTL).toEpochMilli());
            ps.setString(2, owner);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.warn("engine slot heartbeat failed: {}", e.getMessage());
        }
    }

    private static void release(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM engine_slots WHERE owner=?")) {
            ps.setString(1, owner);
            ps.executeUpdate();
        }
    }

    /** Queued fires stop waiting (their runs end without a backup); slots held are freed as their runs end. */
    void stopQueue() {
        closed = true;
    }

    @Override
    public void close() {
        closed = true;
        heartbeat.shutdown();
    }
}
