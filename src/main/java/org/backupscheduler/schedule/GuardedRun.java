package org.backupscheduler.schedule;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import org.backupscheduler.backup.BackupIds;
import org.backupscheduler.backup.BackupOutcome;
import org.backupscheduler.backup.BackupWorkflow;
import org.backupscheduler.backup.ProgressListener;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code backup run} and every scheduled run execute: take the instance's lease (or record
 * SKIPPED, naming the holder), back up, verify (verify.after-backup), apply retention, release.
 */
public final class GuardedRun {
    private static final Logger log = LoggerFactory.getLogger(GuardedRun.class);

    private final BackupConfig config;
    private final Catalog catalog;
    private final EngineTool tool;
    private final Endpoint source;
    private final ProgressListener progress;
    private final Clock clock;
    private EngineGate gate = EngineGate.NONE;
    private Duration leaseTtl = Lease.TTL;

    public GuardedRun(BackupConfig config, Catalog catalog, EngineTool tool, Endpoint source,
                      ProgressListener progress, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.tool = tool;
        this.source = source;
        this.progress = progress;
        this.clock = clock;
    }

    /** This run with its engine behind {@code gate} (the daemon's limits); by hand there is none. */
    GuardedRun gated(EngineGate gate) {
        this.gate = gate;
        return this;
    }

    /** The backup as it ended (SKIPPED when another run held the lease), and a note for the user. */
    public record Result(BackupRecord backup, String note) {
        public boolean skipped() {
            return backup.status() == BackupStatus.SKIPPED;
        }
    }

    /** A shorter lease for tests that take it over mid-run (renewed every third of it). */
    GuardedRun leaseTtl(Duration ttl) {
        this.leaseTtl = ttl;
        return this;
    }

    public Result run(BackupType type) throws IOException {
        BackupWorkflow workflow = new BackupWorkflow(config, catalog.backups(), tool, source, progress, clock);
        // Losing the lease means another run (another host's, which found ours expired) backs up
        // this instance now: ours cancels itself rather than run beside it.
        Lease.Result lease = Lease.acquire(catalog, config.instanceDir(), config.instance(), leaseTtl, clock,
                holder -> workflow.cancel("lease lost to " + holder));
        if (!lease.acquired()) {
            return new Result(skipped(type, lease.heldBy()), null);
        }
        try (Lease held = lease.lease()) {
            // The lease first, then the slot: a fire of this instance arriving while this one still
            // waits for its host is SKIPPED (one run pending is enough), never queued behind it.
            BackupOutcome outcome;
            try (EngineGate.Pass slot = gate.enter(config.instance())) {
                outcome = workflow.run(type);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("stopped while waiting for an engine slot (limits): no backup was started", e);
            }
            BackupRecord b = outcome.backup();
            if (held.lost()) {
                // The backup stands as recorded; verifying and retention are the new holder's now.
                log.warn("the lease of {} was lost during backup {}: no verify, no retention in this run",
                        config.instance(), b.id());
                return new Result(b, outcome.note());
            }
            Set<Level> levels = Verifier.afterBackupLevels(config);
            if (!outcome.failed() && !levels.isEmpty()) {
                b = new Verifier(config, catalog.backups(), tool, clock).verify(b, levels).after();
            }
            try {
                new Expirer(config, catalog.backups(), clock).expire(false);
                new ArchiveExpirer(config, catalog).expire(false);
            } catch (IOException | RuntimeException e) {
                // Retention failing must not turn a good backup into a failed run; it is retried next run.
                DaemonLogging.failure(log, "retention", e);
            }
            return new Result(b, outcome.note());
        }
    }

    /** A row for the run that did not happen, so the report shows the hour was not silently lost. */
    private BackupRecord skipped(BackupType type, LeaseHolder holder) {
        var now = clock.instant();
        String reason = "another run holds the lease of " + config.instance() + ": " + holder.describe();
        // The run that holds the lease may take an id of this very second between our look and
        // our insert: then the next id (no folder: a skipped run has nothing on disk).
        for (int attempt = 0; attempt < 100; attempt++) {
            String id = BackupIds.next(config.instanceDir(), type, now,
                    candidate -> catalog.backups().find(config.instance(), candidate).isPresent());
            BackupRecord b = BackupRecord.skipped(config.instance(), id, type, now,
                    new BackupRecord.Engine(tool.name(), tool.version()), new BackupRecord.Source(source.address(), null),
                    config.instanceDir().resolve(id).toString(), reason);
            if (catalog.backups().insertIfNew(b, ProcessIdentity.current())) {
                log.warn("run SKIPPED: {}", reason);
                return b;
            }
        }
        throw new IllegalStateException("no free backup id for the SKIPPED run at " + now);
    }
}
