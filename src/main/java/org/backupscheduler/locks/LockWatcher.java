package org.backupscheduler.locks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.backupscheduler.config.LocksConfig;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy around a backup run: every {@code locks.interval} while the engine runs. When the
 * backup's own session has waited past the threshold and the policy cannot free it (print mode,
 * a protected blocker, no blocker found), the run gives up — {@code giveUp} gets the reason
 * naming the blocker — instead of queueing behind it, with everyone else queued behind the backup.
 */
public final class LockWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LockWatcher.class);

    private final ScheduledExecutorService timer;
    private final LockPass pass;
    private final Endpoint endpoint;
    private final String backupId;
    private final String backupUser;
    private final Consumer<String> giveUp;
    private volatile boolean gaveUp;

    private LockWatcher(LocksConfig config, LockPass pass, Endpoint endpoint, String backupId, Consumer<String> giveUp) {
        this.pass = pass;
        this.endpoint = endpoint;
        this.backupId = backupId;
        this.backupUser = endpoint.user();
        this.giveUp = giveUp;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lock-watcher");
            t.setDaemon(true);
            return t;
        });
        long every = config.interval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    public static LockWatcher start(LocksConfig config, LockPass pass, Endpoint endpoint, String backupId,
                                    Consumer<String> giveUp) {
        return new LockWatcher(config, pass, endpoint, backupId, giveUp);
    }

    private void tick() {
        if (gaveUp) {
            return;
        }
        try (Connection c = ServerConnections.open(endpoint)) {
            List<LockPass.Outcome> outcomes = pass.run(c, backupId);
            for (LockPass.Outcome o : outcomes) {
                Decision d = o.decision();
                // The backup is held up when the decision is about its own request (kill-waiters
                // leaves that to the run) or about a blocker it waits behind.
                boolean backupWaits = backupUser.equals(d.session().user()) && !d.acts()
                        || d.blockerOf().stream().anyMatch(id -> isBackupSession(c, id));
                boolean resolved = d.acts() && (o.result().startsWith("killed") || o.result().startsWith("query"));
                if (backupWaits && !resolved) {
                    gaveUp = true;
                    String why = "(" + d.rule() + ": " + d.why() + ")";
                    giveUp.accept(backupUser.equals(d.session().user())
                            ? "gave up waiting for a lock instead of queueing: the lock policy left our own request "
                            + "to the run " + why
                            : "gave up waiting for a lock instead of queueing behind " + d.session().describe()
                            + ": the lock policy did not end it " + why);
                    return;
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("lock watcher: {}", e.getMessage());
        }
    }

    private boolean isBackupSession(Connection c, long id) {
        try (var ps = c.prepareStatement("SELECT USER FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() && backupUser.equals(rs.getString(1));
            }
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
