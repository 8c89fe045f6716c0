package org.backupscheduler.locks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * The policy around a backup run: every {@code locks.interval} while the engine runs. Started
 * right before the engine, it first notes the server's newest connection id: the engine's sessions
 * open after it, and they are the run's ({@link RunSessions}) — no other session of the backup
 * account is. When the backup's own session has waited past the threshold and the policy cannot
 * free it (print mode, a protected blocker, none found, a guess younger than the request,
 * {@code locks.max-kills} reached), the run gives up — {@code giveUp} gets the reason naming the
 * blocker — instead of queueing behind it, with everyone else queued behind the backup.
 */
public final class LockWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LockWatcher.class);

    private final ScheduledExecutorService timer;
    private final LockPass pass;
    private final Endpoint endpoint;
    private final String backupId;
    private final RunSessions run;
    private final Consumer<String> giveUp;
    private volatile boolean gaveUp;

    private LockWatcher(LocksConfig config, LockPass pass, Endpoint endpoint, String backupId, RunSessions run,
                        Consumer<String> giveUp) {
        this.pass = pass;
        this.endpoint = endpoint;
        this.backupId = backupId;
        this.run = run;
        this.giveUp = giveUp;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lock-watcher");
            t.setDaemon(true);
            return t;
        });
        long every = config.interval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Call before the engine starts: the connection id read here separates the run's sessions from older ones. */
    public static LockWatcher start(LocksConfig config, LockPass pass, Endpoint endpoint, String backupId,
                                    Consumer<String> giveUp) {
        return new LockWatcher(config, pass, endpoint, backupId, runSessions(endpoint), giveUp);
    }

    /**
     * The run's sessions: the engine's account, above the newest connection id now. If the server
     * cannot be asked, every session of the account counts as the run's (as a stuck one of them
     * would make the run give up rather than be killed by its own watcher).
     */
    private static RunSessions runSessions(Endpoint endpoint) {
        try (Connection c = ServerConnections.open(endpoint); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return new RunSessions(endpoint.user(), rs.getLong(1));
        } catch (SQLException e) {
            log.warn("lock watcher: cannot read the server's connection id ({}): every session of {} counts as "
                    + "the run's", e.getMessage(), endpoint.user());
            return new RunSessions(endpoint.user(), 0);
        }
    }

    /** Which sessions are this run's: for the catalog (locks watch elsewhere) and for ending them after a give-up. */
    public RunSessions run() {
        return run;
    }

    private void tick() {
        if (gaveUp) {
            return;
        }
        try (Connection c = ServerConnections.open(endpoint)) {
            List<LockPass.Outcome> outcomes = pass.run(c, run, backupId);
            for (LockPass.Outcome o : outcomes) {
                Decision d = o.decision();
                // The backup is held up when the decision is about its own request (kill-waiters
                // leaves that to the run) or about a blocker it waits behind.
                boolean own = run.includes(d.session());
                boolean backupWaits = own && !d.acts() || d.blockerOf().stream().anyMatch(id -> isRunSession(c, id));
                boolean resolved = d.acts() && (o.result().startsWith("killed") || o.result().startsWith("query"));
                if (backupWaits && !resolved) {
                    gaveUp = true;
                    String why = "(" + d.rule() + ": " + d.why() + ")";
                    giveUp.accept(own
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

    private boolean isRunSession(Connection c, long id) {
        try (var ps = c.prepareStatement("SELECT USER FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() && run.includes(id, rs.getString(1));
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
