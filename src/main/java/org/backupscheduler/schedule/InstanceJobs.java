package org.backupscheduler.schedule;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.backupscheduler.backup.ProgressListener;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.locks.LockPass;
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
    private static final Logger log = LoggerFactory.getLogger(InstanceJobs.class);
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
    private final AtomicReference<Instant> runStartedAt = new AtomicReference<>();

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
        String full = CronSpec.toQuartz("schedule.full", config.schedule().full());
        Duration allowed = CronSpec.interval(full, clock.instant()).plus(config.schedule().runTimeout());
        return new Health(catalog.backups(), config.instance(), allowed, clock, config.metrics().details());
    }

    Map<JobDetail, Set<? extends Trigger>> jobs() {
        String full = CronSpec.toQuartz("schedule.full", config.schedule().full());
        String incremental = config.schedule().incremental() == null ? null
                : CronSpec.toQuartz("schedule.incremental", config.schedule().incremental());
        String deep = "off".equalsIgnoreCase(config.verify().deep()) ? null
                : CronSpec.toQuartz("verify.deep", config.verify().deep());
        Map<JobDetail, Set<? extends Trigger>> jobs = new LinkedHashMap<>();
        jobs.put(job(Daemon.BackupJob.class, "full").usingJobData("type", "FULL").build(),
                Set.of(trigger("full", full)));
        log.info("{}: full backups: {} (Quartz '{}')", instance(), config.schedule().full(), full);
        if (incremental != null) {
            jobs.put(job(Daemon.BackupJob.class, "incremental").usingJobData("type", "INCREMENTAL").build(),
                    Set.of(trigger("incremental", incremental)));
            log.info("{}: incremental backups: {}", instance(), config.schedule().incremental());
        }
        if (deep != null) {
            jobs.put(job(Daemon.DrillJob.class, "drill").build(), Set.of(trigger("drill", deep)));
            log.info("{}: restore drill (verify --deep): {}", instance(), config.verify().deep());
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

    /** Fire once now and proceed with the schedule: never a backlog of missed runs. */
    private Trigger trigger(String name, String quartz) {
        return TriggerBuilder.newTrigger().withIdentity(name, instance())
                .withSchedule(CronScheduleBuilder.cronSchedule(quartz).withMisfireHandlingInstructionFireAndProceed())
                .build();
    }

    /** The first fire since the newest run that is already past ("first" before any run), if any. */
    Optional<String> missedFire() {
        String full = CronSpec.toQuartz("schedule.full", config.schedule().full());
        List<BackupRecord> newest = catalog.backups().list(config.instance(), 1, 0);
        if (newest.isEmpty()) {
            return Optional.of("first");
        }
        Instant due = CronSpec.next(full, newest.get(0).startedAt());
        return due != null && due.isBefore(clock.instant()) ? Optional.of(String.valueOf(due.toEpochMilli()))
                : Optional.empty();
    }

    /** One run for a trigger's fire: the log names the fire, so that each is seen to run once. */
    void runBackup(BackupType type, String trigger, Instant fire, String node) {
        MDC.put("instance", config.instance());
        Instant now = clock.instant();
        Instant running = runStartedAt.get();
        if (running != null && Duration.between(running, now).compareTo(BURST) < 0) {
            // After a pause (a frozen VM, SIGSTOP) Quartz releases the fire it had already taken
            // and then, as misfire handling, one more: both are the one run now, not a skipped hour.
            log.info("scheduled {} run ({} at {}) joins the run that started {} ms ago", type.word(), trigger,
                    fire, Duration.between(running, now).toMillis());
            MDC.remove("instance");
            return;
        }
        boolean first = runStartedAt.compareAndSet(running, now);
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
            log.error("scheduled {} run ({} at {}) failed: {}", type.word(), trigger, fire, e.getMessage());
        } finally {
            if (first) {
                runStartedAt.compareAndSet(now, null);
            }
            MDC.remove("instance");
        }
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
            log.error("restore drill of {} failed: {}", instance(), e.getMessage());
        }
    }

    void runLockPass() {
        LockPass pass = new LockPass(config.locks(), catalog.backups().lockActions(), config.instance(),
                source.user());
        try (Connection c = ServerConnections.open(source)) {
            pass.run(c, null).stream().filter(o -> o.decision().acts())
                    .forEach(o -> metrics.lockAction(o.decision().kind().name()));
        } catch (SQLException | RuntimeException e) {
            log.warn("lock policy pass of {} failed: {}", instance(), e.getMessage());
        }
    }
}
