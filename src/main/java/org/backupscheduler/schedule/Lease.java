package org.backupscheduler.schedule;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.CatalogClock;
import org.backupscheduler.catalog.CatalogException;
import org.backupscheduler.catalog.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run per instance at a time, whoever starts it (cron, the daemon, a DBA by hand, another
 * host). Two guards, as measured on this machine (DESIGN.md): an OS file lock in the repository,
 * released by the kernel the moment its holder dies, and a lease row in the catalog with a
 * heartbeat, which several hosts sharing a MySQL/MariaDB catalog all see. A dead holder's row
 * expires after {@code ttl} and is taken over. Expiry is written and compared on the catalog
 * server's clock ({@link CatalogClock}), never a host's: a host whose clock is off by hours neither
 * takes a live lease nor writes one that looks dead. A holder that finds at renewal that its row
 * was taken over has lost the lease: {@code onLost} is told who holds it now, once.
 */
public final class Lease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    /** Renewed every third of it; a holder silent this long is taken to be dead. */
    public static final Duration TTL = Duration.ofMinutes(2);

    private final Catalog catalog;
    private final String instance;
    private final String owner;
    private final Duration ttl;
    private final FileChannel channel;
    private final FileLock fileLock;
    private final ScheduledExecutorService heartbeat;
    private final Consumer<String> onLost;
    private volatile boolean lost;

    private Lease(Catalog catalog, String instance, String owner, Duration ttl, FileChannel channel,
                  FileLock fileLock, Consumer<String> onLost) {
        this.catalog = catalog;
        this.instance = instance;
        this.owner = owner;
        this.ttl = ttl;
        this.channel = channel;
        this.fileLock = fileLock;
        this.onLost = onLost;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, ttl.toMillis() / 3);
        heartbeat.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** The lease, or the holder that has it now; losing it later is only logged. */
    public static Result acquire(Catalog catalog, Path instanceDir, String instance, Duration ttl, Clock clock)
            throws IOException {
        return acquire(catalog, instanceDir, instance, ttl, clock, holder -> { });
    }

    /**
     * The lease, or the holder that has it now. {@code onLost} gets the new holder's description
     * if a renewal finds the lease taken over. {@code clock} is this host's, used only to date a
     * holder that cannot be read; every expiry is the catalog's.
     */
    public static Result acquire(Catalog catalog, Path instanceDir, String instance, Duration ttl, Clock clock,
                                 Consumer<String> onLost) throws IOException {
        RepositoryLayout.createPrivateDir(instanceDir);
        FileChannel channel = FileChannel.open(instanceDir.resolve(".run.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        boolean heldHere = false;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process (the daemon and an in-process run)
            heldHere = true;
        }
        ProcessIdentity me = ProcessIdentity.current();
        if (lock == null) {
            channel.close();
            return new Result(null, holderOfTheFileLock(catalog, instance, heldHere ? me.pid() : -1, me.host(), clock));
        }
        String owner = UUID.randomUUID().toString();
        try (Connection c = catalog.connection()) {
            Instant now = CatalogClock.now(c);
            // A lease whose holder stopped renewing it is free: its process died or hangs. One
            // held by a dead process of this host is free at once (we hold the file lock it had).
            Optional<LeaseHolder> previous = holder(catalog, instance);
            if (previous.isPresent() && previous.get().host().equals(me.host())
                    && ProcessHandle.of(previous.get().pid()).map(p -> !p.isAlive()).orElse(true)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases WHERE instance=? AND owner=?")) {
                    ps.setString(1, instance);
                    ps.setString(2, previous.get().owner());
                    ps.executeUpdate();
                }
                log.warn("took over the lease of {} from {}, whose process is gone", instance,
                        previous.get().describe());
            }
            if (previous.isPresent() && !previous.get().host().equals(me.host())
                    && previous.get().expiresAt().isBefore(now)) {
                // A holder on another host that went silent (SIGKILL, power loss): its RUNNING row
                // would stay RUNNING until a command started on that host again.
                LeaseHolder dead = previous.get();
                for (String id : catalog.backups().failRunsOfExpiredHolder(instance, dead.host(), dead.pid(),
                        dead.expiresAt())) {
                    log.warn("backup {} of {} marked FAILED: its run stopped renewing the lease", id,
                            dead.describe());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases WHERE instance=? AND expires_at<?")) {
                ps.setString(1, instance);
                ps.setLong(2, now.toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO leases (instance, owner, host, pid, "
                    + "acquired_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, instance);
                ps.setString(2, owner);
                ps.setString(3, me.host());
                ps.setLong(4, me.pid());
                ps.setLong(5, now.toEpochMilli());
                ps.setLong(6, now.toEpochMilli());
                ps.setLong(7, now.plus(ttl).toEpochMilli());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            Optional<LeaseHolder> holder = holder(catalog, instance);
            lock.release();
            channel.close();
            if (holder.isPresent()) {
                return new Result(null, holder.get());
            }
            throw new CatalogException("take the lease of " + instance, e);
        }
        return new Result(new Lease(catalog, instance, owner, ttl, channel, lock, onLost), null);
    }

    /**
     * Who holds the file lock we did not get. Its holder writes its lease row right after taking
     * the lock, so a run that loses by a hair (two fires in the same instant) waits a moment for
     * the row: the SKIPPED reason must name the holder, not "unknown".
     */
    private static LeaseHolder holderOfTheFileLock(Catalog catalog, String instance, long pidIfHere, String host,
                                                   Clock clock) {
        Optional<LeaseHolder> h = holder(catalog, instance);
        for (int i = 0; i < 20 && h.isEmpty(); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            h = holder(catalog, instance);
        }
        return h.orElse(new LeaseHolder("unknown", host, pidIfHere, clock.instant(), clock.instant()));
    }

    public static Optional<LeaseHolder> holder(Catalog catalog, String instance) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT owner, host, pid, acquired_at, expires_at FROM leases WHERE instance=?")) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LeaseHolder(rs.getString(1), rs.getString(2), rs.getLong(3),
                        Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))));
            }
        } catch (SQLException e) {
            throw new CatalogException("read the lease of " + instance, e);
        }
    }

    private void renew() {
        if (lost) {
            return;
        }
        int renewed;
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE leases SET heartbeat_at=?, expires_at=? WHERE instance=? AND owner=?")) {
            Instant now = CatalogClock.now(c);
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.plus(ttl).toEpochMilli());
            ps.setString(3, instance);
            ps.setString(4, owner);
            renewed = ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // The catalog unreachable for a moment: the next beat tries again. Silent longer than
            // the TTL, the lease may be taken over, and the next beat that gets through says so.
            log.warn("lease heartbeat failed: {}", e.getMessage());
            return;
        }
        if (renewed == 0) {
            lost = true;
            String holder;
            try {
                holder = holder(catalog, instance).map(LeaseHolder::describe)
                        .orElse("nobody (its row was removed)");
            } catch (RuntimeException e) {
                holder = "an unknown holder (" + e.getMessage() + ")";
            }
            log.error("the lease of {} was taken over: it is held by {}; this run no longer holds it", instance,
                    holder);
            heartbeat.shutdown();
            onLost.accept(holder);
        }
    }

    /** Whether a renewal found the lease taken over. */
    public boolean lost() {
        return lost;
    }

    @Override
    public void close() throws IOException {
        heartbeat.shutdownNow();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM leases WHERE instance=? AND owner=?")) {
            ps.setString(1, instance);
            ps.setString(2, owner);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.warn("could not release the lease of {} (it expires by itself): {}", instance, e.getMessage());
        } finally {
            fileLock.release();
            channel.close();
        }
    }

    /** Either the lease, or who holds it. */
    public record Result(Lease lease, LeaseHolder heldBy) {
        public boolean acquired() {
            return lease != null;
        }
    }
}
