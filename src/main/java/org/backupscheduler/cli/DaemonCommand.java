package org.backupscheduler.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.OrphanRuns;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigDir;
import org.backupscheduler.config.Fleet;
import org.backupscheduler.schedule.Daemon;
import org.backupscheduler.schedule.DaemonLogging;
import picocli.CommandLine.Command;
import sun.misc.Signal;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code backup daemon}: run the config's schedules until SIGTERM. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run the schedules (schedule.full, schedule.incremental, verify.deep) until SIGTERM,",
            "serving /metrics and /health on metrics.listen. Logs to stdout and <repository>/<instance>/daemon.log.",
            "With --config-dir: every instance (a refused file is logged and skipped) on one scheduler,",
            "logging to <repository>/daemon.log; several such daemons on one MySQL/MariaDB catalog form a cluster."},
        footer = {"%nExamples:", "  bin/backup --config /etc/backup-scheduler/backup.yml daemon",
            "  systemctl start backup-scheduler   (docs/daemon.md has the unit)", ""})
final class DaemonCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(DaemonCommand.class);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Fleet fleet = Context.fleet(spec);
        List<BackupConfig> instances = Context.selected(spec, fleet);
        List<Fleet.Refusal> refused = fleet.refused();
        if (instances.isEmpty()) {
            throw refused.get(0).error(); // nothing to run: the first refusal says why
        }
        BackupConfig first = instances.get(0);
        sameForAll(instances, fleet, "catalog.url", BackupConfig::catalogUrl);
        sameForAll(instances, fleet, "metrics.listen", c -> c.metrics().listen());
        // A process streams into one configured repository (RepositoryStores): one for the fleet's daemon.
        sameForAll(instances, fleet, "repository", c -> c.repository().url());
        try (Context ctx = Context.of(spec, first)) {
            var catalog = ctx.catalog();
            List<Daemon.Parts> parts = new ArrayList<>();
            for (BackupConfig c : instances) {
                try (Context each = Context.of(spec, c)) {
                    parts.add(new Daemon.Parts(c, each.engine(), each.source()));
                }
                OrphanRuns.recover(catalog.backups(), c.instance());
                RepositoryLayout.createPrivateDir(c.instanceDir());
            }
            // One instance logs beside its backups as before; a fleet beside the first one's repository.
            Path logFile = fleet.source().toFile().isDirectory() ? first.localRepository().resolve("daemon.log")
                    : first.instanceDir().resolve("daemon.log");
            DaemonLogging.toStdoutAndFile(logFile);
            for (Fleet.Refusal r : refused) {
                log.error("instance file {} refused, its instance does not run: {} (HINT: {})", r.file(),
                        r.error().getMessage(), r.error().hint());
            }
            Daemon daemon = fleet.source().toFile().isDirectory()
                    ? new Daemon(FLEET_CLUSTER, parts, catalog, Clock.systemUTC())
                    : new Daemon(first, catalog, parts.get(0).tool(), parts.get(0).source(), Clock.systemUTC());
            // SIGTERM and SIGINT stop scheduling and let a running backup finish and be recorded
            // before the JVM begins to exit. A signal handler, not a shutdown hook: during JVM
            // shutdown H2 closes the catalog from its own hook, under the running backup's feet.
            Signal.handle(new Signal("TERM"), sig -> new Thread(daemon::close, "daemon-stop").start());
            Signal.handle(new Signal("INT"), sig -> new Thread(daemon::close, "daemon-stop").start());
            daemon.start();
            log.info("running {} instance(s): {}", parts.size(),
                    instances.stream().map(BackupConfig::instance).toList());
            daemon.awaitStop();
            return UserError.OK;
        }
    }

    /** The Quartz cluster of every daemon started with --config-dir on one catalog. */
    static final String FLEET_CLUSTER = "backup-fleet";

    /** One daemon has one catalog, repository and /metrics listener: every instance must agree (exit 2). */
    private static void sameForAll(List<BackupConfig> instances, Fleet fleet, String key,
                                   Function<BackupConfig, String> value) {
        BackupConfig first = instances.get(0);
        for (BackupConfig c : instances) {
            if (!value.apply(c).equals(value.apply(first))) {
                throw new UserError("instances " + first.instance() + " (" + fleet.files().get(first.instance())
                        + ") and " + c.instance() + " (" + fleet.files().get(c.instance()) + ") set different "
                        + key + " (" + value.apply(first) + ", " + value.apply(c) + "), and one daemon has one",
                        "set " + key + " once, in " + ConfigDir.DEFAULTS, UserError.USAGE);
            }
        }
    }
}
