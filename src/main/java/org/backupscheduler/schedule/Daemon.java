package org.backupscheduler.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Limits;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.metrics.BackupMetrics;
import org.backupscheduler.metrics.Health;
import org.backupscheduler.metrics.MetricsServer;
import org.backupscheduler.server.Endpoint;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backup daemon}: the schedules of every instance on one Quartz scheduler, each instance
 * a job group ({@link InstanceJobs}). Jobs never run concurrently with themselves (Quartz) nor
 * with any other run of the instance (the lease); a schedule missed while the daemon was down
 * gives one run at start, never a backlog; SIGTERM lets running backups finish and be recorded
 * before the process exits. On a MySQL/MariaDB catalog several daemons form a Quartz cluster
 * ({@link JobStore}): each fire runs on one node, and engines on one database host are limited
 * across all nodes ({@link EngineSlots}).
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final String SELF = "daemon";

    private final String cluster;
    private final Catalog catalog;
    private final Clock clock;
    private final Map<String, InstanceJobs> instances = new LinkedHashMap<>();
    private final BackupMetrics metrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final EngineSlots slots;
    private Scheduler scheduler;
    /** Quartz's id of this daemon: host name and start time with a clustered store. */
    private String node;
    private MetricsServer http;

    /** One instance, as {@code --config FILE daemon} runs it: the cluster is that instance's daemons. */
    public Daemon(BackupConfig config, Catalog catalog, EngineTool tool, Endpoint source, Clock clock) {
        this("backup-" + config.instance(), List.of(new Parts(config, tool, source)), catalog, clock);
    }

    /**
     * Several instances on one catalog ({@code --config-dir}); {@code cluster} names the Quartz
     * cluster that every daemon of this fleet joins.
     */
    public Daemon(String cluster, List<Parts> parts, Catalog catalog, Clock clock) {
        this.cluster = cluster;
        this.catalog = catalog;
        this.clock = clock;
        this.slots = new EngineSlots(catalog, Limits.of(parts.stream().map(p -> p.config().limits()).toList()), clock);
        BackupMetrics shared = null;
        for (Parts p : parts) {
            BackupMetrics m = shared == null ? new BackupMetrics(catalog.backups(), p.config().instance(), clock)
                    : shared.forInstance(p.config().instance());
            shared = shared == null ? m : shared;
            instances.put(p.config().instance(), new InstanceJobs(p, catalog, clock, m, slots));
        }
        this.metrics = shared;
    }

    /** What one instance runs with. */
    public record Parts(BackupConfig config, EngineTool tool, Endpoint source) {
    }

    public void start() throws SchedulerException {
        BackupConfig first = instances.values().iterator().next().config();
        List<Health> health = instances.values().stream().map(InstanceJobs::health).toList();
        http = MetricsServer.start(first.metrics(), metrics, () -> Health.combine(health));
        log.info("serving /metrics and /health on {}", first.metrics().listen());
        instances.values().forEach(InstanceJobs::startArchiver);

        scheduler = new StdSchedulerFactory(JobStore.properties(cluster, catalog, instances.size()))
                .getScheduler();
        scheduler.getContext().put(SELF, this);
        node = scheduler.getSchedulerInstanceId();
        if (JobStore.clustered(catalog)) {
            log.info("clustered schedule in the catalog (QRTZ_ tables): cluster {}, node {}, check-in every {} ms",
                    cluster, node, JobStore.CHECKIN_INTERVAL.toMillis());
        }
        // Durable jobs, replaced at every start: a clustered store keeps them across restarts, and
        // the config of the daemon started last is the schedule of the whole cluster. So jobs of an
        // instance no longer loaded (a file removed, or refused) and jobs switched off go.
        for (String group : scheduler.getJobGroupNames()) {
            InstanceJobs kept = instances.get(group);
            for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(group))) {
                if (kept == null) {
                    scheduler.deleteJob(key);
                    log.info("{}: not in this daemon's config: its schedule {} removed from the cluster", group,
                            key.getName());
                }
            }
        }
        for (InstanceJobs i : instances.values()) {
            Map<JobDetail, Set<? extends Trigger>> jobs = i.jobs();
            for (String name : InstanceJobs.JOBS) {
                if (jobs.keySet().stream().noneMatch(j -> j.getKey().getName().equals(name))) {
                    scheduler.deleteJob(new JobKey(name, i.instance())); // switched off since the last start
                }
            }
            dropOldTriggers(jobs);
            storeJobs(jobs);
            logNextFires(jobs);
            i.missedFire().ifPresent(missed -> catchUp(i.instance(), missed));
        }
        scheduler.start();
    }

    /**
     * Jobs are replaced; a trigger only when its schedule changed. Replacing a trigger writes it
     * back as WAITING with a fresh next fire: a trigger another node of the cluster has already
     * acquired for that fire would be acquired again here, and the fire would run on both nodes
     * (seen in DaemonIT when two daemons start together). An unchanged trigger is left as the
     * cluster has it; a changed one is rescheduled, which a config change accepts.
     */
    private void storeJobs(Map<JobDetail, Set<? extends Trigger>> jobs) throws SchedulerException {
        for (Map.Entry<JobDetail, Set<? extends Trigger>> job : jobs.entrySet()) {
            scheduler.addJob(job.getKey(), true);
            for (Trigger built : job.getValue()) {
                Trigger wanted = built.getTriggerBuilder().forJob(job.getKey()).build();
                Trigger stored = scheduler.getTrigger(wanted.getKey());
                if (stored == null) {
                    try {
                        scheduler.scheduleJob(wanted);
                    } catch (ObjectAlreadyExistsException e) {
                        log.debug("{}: stored by another node starting at the same time", wanted.getKey());
                    }
                } else if (!TriggerChange.sameFires(stored, wanted)) {
                    log.info("{}: schedule changed since it was stored: rescheduled", wanted.getKey());
                    scheduler.rescheduleJob(wanted.getKey(), wanted);
                }
            }
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
            Set<TriggerKey> keep = new HashSet<>();
            job.getValue().forEach(t -> keep.add(t.getKey()));
            for (Trigger old : scheduler.getTriggersOfJob(job.getKey().getKey())) {
                if (old.getKey().getName().matches(Pattern.quote(name) + "(-\\d+)?") && !keep.contains(old.getKey())) {
                    scheduler.unscheduleJob(old.getKey());
                }
            }
        }
    }

    /**
     * One full run now for the fire missed while no daemon ran. The trigger is named after that
     * fire, so daemons starting together on one catalog store it once: the others find it taken.
     * It stays in the store until its run has ended, and by then the run's row in the catalog
     * tells a daemon starting later that nothing was missed.
     */
    private void catchUp(String instance, String missed) {
        try {
            scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity("catch-up-" + missed, instance)
                    .forJob("full", instance).startNow().build());
            log.info("{}: the last scheduled full backup was missed while the daemon was down: one run now",
                    instance);
        } catch (ObjectAlreadyExistsException e) {
            log.info("{}: the last scheduled full backup was missed: another daemon of the cluster runs it now",
                    instance);
        } catch (SchedulerException e) {
            log.error("{}: could not schedule the run missed while the daemon was down: {}", instance,
                    e.getMessage());
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public int metricsPort() {
        return http.port();
    }

    /** Stops taking new runs, waits for running ones to finish and be recorded. */
    @Override
    public void close() {
        try {
            slots.stopQueue();
            if (scheduler != null && !scheduler.isShutdown()) {
                log.info("stopping: waiting for a running backup to finish");
                scheduler.shutdown(true);
            }
        } catch (SchedulerException e) {
            log.error("scheduler shutdown: {}", e.getMessage());
        } finally {
            slots.close();
            instances.values().forEach(InstanceJobs::stopArchiver);
            if (http != null) {
                http.close();
            }
            log.info("stopped");
            stopped.countDown();
        }
    }

    /** A scheduled run of the first (with --config, the only) instance, as its trigger would start it. */
    void runBackup(BackupType type, String trigger, Instant fire) {
        instances.values().iterator().next().runBackup(type, trigger, fire, node);
    }

    /** A lock pass of the first (with --config, the only) instance. */
    void runLockPass() {
        instances.values().iterator().next().runLockPass();
    }

    /** The instance a job belongs to: its group. */
    private static InstanceJobs of(JobExecutionContext context) {
        try {
            Daemon d = (Daemon) context.getScheduler().getContext().get(SELF);
            String group = context.getJobDetail().getKey().getGroup();
            InstanceJobs i = d.instances.get(group);
            if (i == null) {
                throw new IllegalStateException("a fire of instance " + group + ", which this node's config does "
                        + "not hold: give every daemon of the cluster the same instance files");
            }
            return i;
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String node(JobExecutionContext context) {
        try {
            return context.getScheduler().getSchedulerInstanceId();
        } catch (SchedulerException e) {
            return "?";
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
                    context.getTrigger().getKey().getName(), context.getScheduledFireTime().toInstant(),
                    node(context));
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

    /** When each job fires next, as Quartz's triggers (in the schedule's zone) say: the log shows what was understood. */
    private void logNextFires(Map<JobDetail, Set<? extends Trigger>> jobs) throws SchedulerException {
        java.util.Date now = java.util.Date.from(clock.instant());
        for (JobDetail job : jobs.keySet()) {
            java.util.Optional<Instant> next = scheduler.getTriggersOfJob(job.getKey()).stream()
                    .map(t -> t.getFireTimeAfter(now)).filter(java.util.Objects::nonNull)
                    .map(java.util.Date::toInstant).min(Instant::compareTo);
            log.info("{}: next fire at {}", job.getKey().getName(), next.map(Instant::toString).orElse("never"));
        }
    }
}
