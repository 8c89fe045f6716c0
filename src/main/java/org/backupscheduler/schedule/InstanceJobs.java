package org.backupscheduler.schedule;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicReference;

import org.backupscheduler.backup.ProgressListener;
import org.backupscheduler.binlogs.Archive;
import org.backupscheduler.binlogs.Archiver;
import org.backupscheduler.binlogs.BinlogStatus;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.Leases;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.BinlogsConfig;
import org.backupscheduler.config.Schedule;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.locks.LockPass;
import org.backupscheduler.locks.RunSessions;
import org.backupscheduler.metrics.BackupMetrics;
import org.backupscheduler.metrics.Health;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.Verifier;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One instance's part of the daemon: its Quartz jobs (in a group named after the instance, so
 * that one scheduler holds a fleet), and what each of them runs.
 */
final class InstanceJobs {
    /** The daemon's logger: what an instance's jobs do is what the daemon does. */
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    static final List<String> JOBS = List.of("full", "incremental", "drill", "locks");
    /** Fires this close to a run's start are the same burst (see runBackup). */
    private static final Duration BURST = Duration.ofSeconds(1);

    private final BackupConfig config;
    private final EngineTool tool;
    private final Endpoint source;
    private final Catalog catalog;
    private final Clock clock;
    private final BackupMetrics metrics;
    private final EngineSlots slots;
    /** When the run this daemon is doing now started; null when none runs. */
    /** When the last fire that was not joined to another arrived; null before the first. */
    private final AtomicReference<Instant> lastFireAhead = new AtomicReference<>();
    /** The binlog archive's follower, when binlogs.archive is on. */
    private Archiver archiver;
    private Archive archive;

    InstanceJobs(Daemon.Parts parts, Catalog catalog, Clock clock, BackupMetrics metrics, EngineSlots slots) {
        this.config = parts.config();
        this.tool = parts.tool();
        this.source = parts.source();
        this.catalog = catalog;
        this.clock = clock;
        this.metrics = metrics;
        this.slots = slots;
    }

    String instance() {
        return config.instance();
    }

    BackupConfig config() {
        return config;
    }

    Health health() {
        // The same allowed age as the report's: the longest gap of the schedule, plus the timeout.
        Duration allowed = config.schedule().full().longestGap(clock.instant()).plus(config.schedule().runTimeout());
        return new Health(catalog.backups(), config.instance(), allowed, clock, config.metrics().details(),
                config.binlogs().on() ? () -> BinlogStatus.read(catalog, config.instance(), clock.instant()) : null);
    }

    Map<JobDetail, Set<? extends Trigger>> jobs() {
        Schedule full = config.schedule().full();
        Schedule incremental = config.schedule().incremental();
        Schedule deep = config.deepSchedule().orElse(null);
        Map<JobDetail, Set<? extends Trigger>> jobs = new LinkedHashMap<>();
        jobs.put(job(Daemon.BackupJob.class, "full").usingJobData("type", "FULL").build(), triggers("full", full));
        log.info("{}: full backups: {} (Quartz {})", instance(), full, full.quartz());
        if (incremental != null) {
            jobs.put(job(Daemon.BackupJob.class, "incremental").usingJobData("type", "INCREMENTAL").build(),
                    triggers("incremental", incremental));
            log.info("{}: incremental backups: {}", instance(), incremental);
        }
        if (deep != null) {
            jobs.put(job(Daemon.DrillJob.class, "drill").build(), triggers("drill", deep));
            log.info("{}: restore drill (verify --deep): {}", instance(), deep);
        }
        // The lock policy between backups too: a session left holding a lock blocks the application.
        // It watches the source server, so in a cluster one node at a time is enough.
        jobs.put(job(Daemon.LockJob.class, "locks").build(), Set.of(TriggerBuilder.newTrigger()
                .withIdentity("locks", instance())
                .withSchedule(SimpleScheduleBuilder
                        .repeatSecondlyForever((int) Math.max(1, config.locks().interval().toSeconds()))
                        .withMisfireHandlingInstructionNextWithRemainingCount()).build()));
        return jobs;
    }

    private JobBuilder job(Class<? extends Job> type, String name) {
        return JobBuilder.newJob(type).withIdentity(name, instance()).storeDurably();
    }

    /**
     * One trigger per Quartz expression of the schedule (two for a cron line restricting both
     * day-of-month and day-of-week), in the schedule's zone. Fire once now and proceed with the
     * schedule: never a backlog of missed runs.
     */
    private Set<Trigger> triggers(String name, Schedule schedule) {
        Set<Trigger> triggers = new LinkedHashSet<>();
        for (int i = 0; i < schedule.quartz().size(); i++) {
            triggers.add(TriggerBuilder.newTrigger().withIdentity(i == 0 ? name : name + "-" + (i + 1), instance())
                    .withSchedule(CronScheduleBuilder.cronSchedule(schedule.quartz().get(i))
                            .inTimeZone(TimeZone.getTimeZone(schedule.zone()))
                            .withMisfireHandlingInstructionFireAndProceed())
                    .build());
        }
        return triggers;
    }

    /** The first fire since the newest run that is already past ("first" before any run), if any. */
    Optional<String> missedFire() {
        List<BackupRecord> newest = catalog.backups().list(config.instance(), 1, 0);
        if (newest.isEmpty()) {
            return Optional.of("first");
        }
        Instant due = config.schedule().full().next(newest.get(0).startedAt());
        return due != null && due.isBefore(clock.instant()) ? Optional.of(String.valueOf(due.toEpochMilli()))
                : Optional.empty();
    }

    /** The archive runs beside the schedule: a failure to start it is logged, and backups go on. */
    void startArchiver() {
        if (!config.binlogs().on()) {
            return;
        }
        try {
            metrics.binlogArchive(() -> BinlogStatus.read(catalog, config.instance(), clock.instant()));
            archive = Archive.of(config, source, catalog);
            archiver = Archiver.start(archive);
            log.info("{}: binlog archive on ({}): {}", instance(), config.binlogs().mode().key(),
                    config.binlogs().mode() == BinlogsConfig.Mode.STREAM ? "open file stored at least every "
                            + config.binlogs().maxDelay() : "FLUSH BINARY LOGS every " + config.binlogs().interval());
        } catch (IOException | RuntimeException e) {
            log.error("{}: the binlog archive did not start: {}", instance(), e.getMessage());
        }
    }

    /** Seals what the archiver finished and stores the open file's prefix, then closes the archive's store. */
    void stopArchiver() {
        if (archiver != null) {
            archiver.close();
        }
        if (archive != null) {
            try {
                archive.close();
            } catch (IOException e) {
                log.warn("closing the binlog archive's store: {}", e.getMessage());
            }
        }
    }

    /** One run for a trigger's fire: the log names the fire, so that each is seen to run once. */
    void runBackup(BackupType type, String trigger, Instant fire, String node) {
        MDC.put("instance", config.instance());
        Instant now = clock.instant();
        // After a pause (a frozen VM, SIGSTOP) Quartz releases the fire it had already taken and
        // then, as misfire handling, one more, on two threads within milliseconds: both are the
        // one run now, not two rows (two SKIPPED ones when a run from before the pause still holds
        // the lease). Decided atomically: both threads may arrive before either has gone ahead.
        Instant ahead = lastFireAhead.getAndUpdate(previous -> sameBurst(previous, now) ? previous : now);
        if (sameBurst(ahead, now)) {
            log.info("scheduled {} run ({} at {}) joins the fire that went ahead {} ms ago", type.word(), trigger,
                    fire, Duration.between(ahead, now).toMillis());
            MDC.remove("instance");
            return;
        }
        // In a cluster: which node took the fire, logged before the run so that a fire taken twice shows at once.
        log.info("scheduled {} run ({} at {}) starts on node {}", type.word(), trigger, fire, node);
        try {
            GuardedRun.Result r = new GuardedRun(config, catalog, tool, source, ProgressListener.NONE, clock)
                    .gated(slots.gate(config)).run(type);
            metrics.run(r.backup().status());
            log.info("scheduled {} run ({} at {}): backup {} {}", type.word(), trigger, fire, r.backup().id(),
                    r.backup().status() + (r.backup().reason() == null ? "" : ": " + r.backup().reason()));
        } catch (IOException | RuntimeException e) {
            metrics.run(BackupStatus.FAILED);
            DaemonLogging.failure(log, "scheduled " + type.word() + " run (" + trigger + " at " + fire + ")", e);
        } finally {
            MDC.remove("instance");
        }
    }

    private static boolean sameBurst(Instant ahead, Instant now) {
        return ahead != null && Duration.between(ahead, now).abs().compareTo(BURST) < 0;
    }

    void runDrill() {
        List<BackupRecord> verified = catalog.backups().listByStatus(config.instance(), BackupStatus.VERIFIED);
        if (verified.isEmpty()) {
            log.warn("restore drill of {}: no VERIFIED backup yet", instance());
            return;
        }
        try {
            var outcome = new Verifier(config, catalog.backups(), tool, clock).verify(verified.get(0),
                    EnumSet.allOf(Level.class));
            if (!outcome.valid()) {
                metrics.run(BackupStatus.INVALID);
            }
            log.info("restore drill on {}: {}", verified.get(0).id(), outcome.after().status());
        } catch (IOException | RuntimeException e) {
            DaemonLogging.failure(log, "restore drill of " + instance(), e);
        }
    }

    /**
     * The lock policy between runs. While a run holds the instance's lease with its engine going
     * (this daemon's or any other process's, on this host or another), that run's own watcher is
     * the one at work: a second pass here would decide on the same pile-up and double its kills.
     * One watcher per instance at a time. Before and after its engine (no watcher), and while
     * {@code expire} holds the lease, this pass watches.
     */
    void runLockPass() {
        Optional<Leases.Held> held;
        try {
            held = catalog.backups().leases().held(config.instance());
        } catch (RuntimeException e) {
            log.warn("lock policy pass of {} skipped: the lease cannot be read: {}", instance(), e.getMessage());
            return;
        }
        if (held.isPresent() && held.get().watching()) {
            String holder = held.get().describe();
            if (!holder.equals(deferredTo)) {
                log.info("lock policy: a run holds the lease of {} ({}); its own watcher handles locks until it ends",
                        config.instance(), holder);
                deferredTo = holder;
            }
            return;
        }
        deferredTo = null;
        LockPass pass = new LockPass(config.locks(), catalog.backups().lockActions(), config.instance());
        try (Connection c = ServerConnections.open(source)) {
            pass.run(c, RunSessions.NONE, null).stream().filter(o -> o.decision().acts())
                    .forEach(o -> metrics.lockAction(o.decision().kind().name()));
        } catch (SQLException | RuntimeException e) {
            // Every locks.interval while the source is down: a warning, unless it is a bug.
            if (DaemonLogging.expected(e)) {
                log.warn("lock policy pass of {} failed: {}", instance(), e.getMessage());
            } else {
                DaemonLogging.failure(log, "lock policy pass of " + instance(), e);
            }
        }
    }

    /** The run the lock pass last deferred to (logged once per run, not every interval). */
    private volatile String deferredTo;
}
