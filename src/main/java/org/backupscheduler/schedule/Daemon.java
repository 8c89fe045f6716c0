package org.backupscheduler.schedule;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.backupscheduler.backup.ProgressListener;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.Leases;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Schedule;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.locks.LockPass;
import org.backupscheduler.locks.RunSessions;
import org.backupscheduler.metrics.BackupMetrics;
import org.backupscheduler.metrics.Health;
import org.backupscheduler.binlogs.Archive;
import org.backupscheduler.binlogs.Archiver;
import org.backupscheduler.binlogs.BinlogStatus;
import org.backupscheduler.config.BinlogsConfig;
import org.backupscheduler.metrics.MetricsServer;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;
import org.backupscheduler.verify.Level;
import org.backupscheduler.verify.Verifier;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code backup daemon}: the schedules of the config on Quartz. Jobs never run concurrently with
 * themselves (Quartz) nor with any other run of the instance (the lease); a schedule missed
 * while the daemon was down gives one run at start, never a backlog; SIGTERM lets a running
 * backup finish and be recorded before the process exits. On a MySQL/MariaDB catalog several
 * daemons of one instance form a Quartz cluster ({@link JobStore}): each fire runs on one node.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final String SELF = "daemon";

    private final BackupConfig config;
    private final Catalog catalog;
    private final EngineTool tool;
    private final Endpoint source;
    private final Clock clock;
    private final BackupMetrics metrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Scheduler scheduler;
    /** Quartz's id of this daemon: host name and start time with a clustered store. */
    private String node;
    private MetricsServer http;
    /** The binlog archive's follower, when binlogs.archive is on. */
    private Archiver archiver;
    private Archive archive;

    public Daemon(BackupConfig config, Catalog catalog, EngineTool tool, Endpoint source, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.tool = tool;
        this.source = source;
        this.clock = clock;
        this.metrics = new BackupMetrics(catalog.backups(), config.instance(), clock);
    }

    public void start() throws SchedulerException {
        Schedule full = config.schedule().full();
        Schedule incremental = config.schedule().incremental();
        Schedule deep = config.deepSchedule().orElse(null);
        // The same allowed age as the report's: the longest gap of the schedule, plus the timeout.
        Duration allowed = full.longestGap(clock.instant()).plus(config.schedule().runTimeout());
        Health health = new Health(catalog.backups(), config.instance(), allowed, clock, config.metrics().details());
        http = MetricsServer.start(config.metrics(), metrics, health::check);
        log.info("serving /metrics and /health on {}", config.metrics().listen());
        startArchiver();

        scheduler = new StdSchedulerFactory(JobStore.properties(config.instance(), catalog)).getScheduler();
        scheduler.getContext().put(SELF, this);
        node = scheduler.getSchedulerInstanceId();
        if (JobStore.clustered(catalog)) {
            log.info("clustered schedule in the catalog (QRTZ_ tables): node {}, check-in every {} ms", node,
                    JobStore.CHECKIN_INTERVAL.toMillis());
        }
        // Durable jobs, replaced at every start: a clustered store keeps them across restarts, and
        // the config of the daemon started last is the schedule of the whole cluster.
        Map<JobDetail, Set<? extends Trigger>> jobs = jobs(full, incremental, deep);
        for (String name : JOBS) {
            if (jobs.keySet().stream().noneMatch(j -> j.getKey().getName().equals(name))) {
                scheduler.deleteJob(new JobKey(name)); // switched off in the config since the last start
            }
        }
        dropOldTriggers(jobs);
        scheduler.scheduleJobs(jobs, true);
        logNextFires(jobs);
        missedFire(full).ifPresent(this::catchUp);
        scheduler.start();
    }

    private Map<JobDetail, Set<? extends Trigger>> jobs(Schedule full, Schedule incremental, Schedule deep) {
        Map<JobDetail, Set<? extends Trigger>> jobs = new LinkedHashMap<>();
        jobs.put(job(BackupJob.class, "full").usingJobData("type", "FULL").build(), triggers("full", full));
        log.info("full backups: {} (Quartz {})", full, full.quartz());
        if (incremental != null) {
            jobs.put(job(BackupJob.class, "incremental").usingJobData("type", "INCREMENTAL").build(),
                    triggers("incremental", incremental));
            log.info("incremental backups: {}", incremental);
        }
        if (deep != null) {
            jobs.put(job(DrillJob.class, "drill").build(), triggers("drill", deep));
            log.info("restore drill (verify --deep): {}", deep);
        }
        // The lock policy between backups too: a session left holding a lock blocks the application.
        // It watches the source server, so in a cluster one node at a time is enough.
        jobs.put(job(LockJob.class, "locks").build(), Set.of(TriggerBuilder.newTrigger().withIdentity("locks")
                .withSchedule(SimpleScheduleBuilder
                        .repeatSecondlyForever((int) Math.max(1, config.locks().interval().toSeconds()))
                        .withMisfireHandlingInstructionNextWithRemainingCount()).build()));
        return jobs;
    }

    /** The archive runs beside the schedule: a failure to start it is logged, and backups go on. */
    private void startArchiver() {
        if (!config.binlogs().on()) {
            return;
        }
        try {
            metrics.binlogArchive(() -> BinlogStatus.read(catalog, config.instance(), clock.instant()));
            archive = Archive.of(config, source, catalog);
            archiver = Archiver.start(archive);
            log.info("binlog archive on ({}): {}", config.binlogs().mode().key(), config.binlogs().mode()
                    == BinlogsConfig.Mode.STREAM ? "open file stored at least every " + config.binlogs().maxDelay()
                    : "FLUSH BINARY LOGS every " + config.binlogs().interval());
        } catch (IOException | RuntimeException e) {
            log.error("the binlog archive did not start: {}", e.getMessage());
        }
    }

    private void closeArchive() {
        if (archive != null) {
            try {
                archive.close();
            } catch (IOException e) {
                log.warn("closing the binlog archive's store: {}", e.getMessage());
            }
        }
    }

    private static final List<String> JOBS = List.of("full", "incremental", "drill", "locks");

    /** When each job fires next, as Quartz's triggers (in the schedule's zone) say: the log shows what was understood. */
    private void logNextFires(Map<JobDetail, Set<? extends Trigger>> jobs) throws SchedulerException {
        Date now = Date.from(clock.instant());
        for (JobDetail job : jobs.keySet()) {
            Optional<Instant> next = scheduler.getTriggersOfJob(job.getKey()).stream()
                    .map(t -> t.getFireTimeAfter(now)).filter(java.util.Objects::nonNull).map(Date::toInstant)
                    .min(Instant::compareTo);
            log.info("{}: next fire at {}", job.getKey().getName(), next.map(Instant::toString).orElse("never"));
        }
    }

    /**
     * Replacing a job keeps its triggers: a schedule that was two Quartz expressions at the last
     * start ("full-2", cron's day-of-month or day-of-week) and is one now would go on firing.
     * Catch-up triggers have other names and stay.
     */
    private void dropOldTriggers(Map<JobDetail, Set<? extends Trigger>> jobs) throws SchedulerException {
        for (Map.Entry<JobDetail, Set<? extends Trigger>> job : jobs.entrySet()) {
            String name = job.getKey().getKey().getName();
            Set<TriggerKey> keep = new java.util.HashSet<>();
            job.getValue().forEach(t -> keep.add(t.getKey()));
            for (Trigger old : scheduler.getTriggersOfJob(job.getKey().getKey())) {
                if (old.getKey().getName().matches(java.util.regex.Pattern.quote(name) + "(-\\d+)?")
                        && !keep.contains(old.getKey())) {
                    scheduler.unscheduleJob(old.getKey());
                }
            }
        }
    }

    private static JobBuilder job(Class<? extends Job> type, String name) {
        return JobBuilder.newJob(type).withIdentity(name).storeDurably();
    }

    /**
     * One full run now for the fire missed while no daemon ran. The trigger is named after that
     * fire, so daemons starting together on one catalog store it once: the others find it taken.
     * It stays in the store until its run has ended, and by then the run's row in the catalog
     * tells a daemon starting later that nothing was missed.
     */
    private void catchUp(String missed) {
        try {
            scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity("catch-up-" + missed).forJob("full")
                    .startNow().build());
            log.info("the last scheduled full backup was missed while the daemon was down: one run now");
        } catch (ObjectAlreadyExistsException e) {
            log.info("the last scheduled full backup was missed: another daemon of the cluster runs it now");
        } catch (SchedulerException e) {
            log.error("could not schedule the run missed while the daemon was down: {}", e.getMessage());
        }
    }

    /**
     * One trigger per Quartz expression of the schedule (two for a cron line restricting both
     * day-of-month and day-of-week), in the schedule's zone. Fire once now and proceed with the
     * schedule: never a backlog of missed runs.
     */
    private static Set<Trigger> triggers(String name, Schedule schedule) {
        Set<Trigger> triggers = new java.util.LinkedHashSet<>();
        for (int i = 0; i < schedule.quartz().size(); i++) {
            triggers.add(TriggerBuilder.newTrigger().withIdentity(i == 0 ? name : name + "-" + (i + 1))
                    .withSchedule(CronScheduleBuilder.cronSchedule(schedule.quartz().get(i))
                            .inTimeZone(TimeZone.getTimeZone(schedule.zone()))
                            .withMisfireHandlingInstructionFireAndProceed())
                    .build());
        }
        return triggers;
    }

    /** The first fire since the newest run that is already past ("first" before any run), if any. */
    private Optional<String> missedFire(Schedule full) {
        List<BackupRecord> newest = catalog.backups().list(config.instance(), 1, 0);
        if (newest.isEmpty()) {
            return Optional.of("first");
        }
        Instant due = full.next(newest.get(0).startedAt());
        return due != null && due.isBefore(clock.instant()) ? Optional.of(String.valueOf(due.toEpochMilli()))
                : Optional.empty();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public int metricsPort() {
        return http.port();
    }

    /** Stops taking new runs, waits for a running one to finish and be recorded. */
    @Override
    public void close() {
        try {
            if (scheduler != null && !scheduler.isShutdown()) {
                log.info("stopping: waiting for a running backup to finish");
                scheduler.shutdown(true);
            }
        } catch (SchedulerException e) {
            log.error("scheduler shutdown: {}", e.getMessage());
        } finally {
            if (archiver != null) {
                archiver.close(); // seals what it finished and stores the open file's prefix
            }
            closeArchive();
            if (http != null) {
                http.close();
            }
            log.info("stopped");
            stopped.countDown();
        }
    }

    /** One run for a trigger's fire: the log names the fire, so that each is seen to run once. */
    void runBackup(BackupType type, String trigger, Instant fire) {
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
            GuardedRun.Result r = new GuardedRun(config, catalog, tool, source, ProgressListener.NONE, clock).run(type);
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

    /** Fires this close to the last one that went ahead are the same burst (see runBackup). */
    private static final Duration BURST = Duration.ofSeconds(1);
    /** When the last fire that was not joined to another arrived; null before the first. */
    private final AtomicReference<Instant> lastFireAhead = new AtomicReference<>();

    private static boolean sameBurst(Instant ahead, Instant now) {
        return ahead != null && Duration.between(ahead, now).abs().compareTo(BURST) < 0;
    }

    void runDrill() {
        List<BackupRecord> verified = catalog.backups().listByStatus(config.instance(), BackupStatus.VERIFIED);
        if (verified.isEmpty()) {
            log.warn("restore drill: no VERIFIED backup yet");
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
            DaemonLogging.failure(log, "restore drill", e);
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
            log.warn("lock policy pass skipped: the lease cannot be read: {}", e.getMessage());
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
                log.warn("lock policy pass failed: {}", e.getMessage());
            } else {
                DaemonLogging.failure(log, "lock policy pass", e);
            }
        }
    }

    /** The run the lock pass last deferred to (logged once per run, not every interval). */
    private volatile String deferredTo;

    private static Daemon of(JobExecutionContext context) {
        try {
            return (Daemon) context.getScheduler().getContext().get(SELF);
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One backup. Deliberately not @DisallowConcurrentExecution: Quartz would hold a fire back
     * until the previous run ends and the hour would pass unrecorded. Here the fire runs, finds the
     * lease taken and records SKIPPED naming the holder — no overlap, and the report shows the hour.
     */
    public static final class BackupJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            of(context).runBackup(BackupType.valueOf(context.getMergedJobDataMap().getString("type")),
                    context.getTrigger().getKey().getName(), context.getScheduledFireTime().toInstant());
        }
    }

    /** The lock policy, every locks.interval. */
    @DisallowConcurrentExecution
    public static final class LockJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            of(context).runLockPass();
        }
    }

    /** The scheduled restore drill: verify --deep on the newest VERIFIED backup. */
    @DisallowConcurrentExecution
    public static final class DrillJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            of(context).runDrill();
        }
    }
}
