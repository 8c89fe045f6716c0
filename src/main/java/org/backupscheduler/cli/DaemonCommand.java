package org.backupscheduler.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.schedule.Daemon;
import org.backupscheduler.schedule.DaemonLogging;
import picocli.CommandLine.Command;
import sun.misc.Signal;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code backup daemon}: run the config's schedules until SIGTERM. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run the schedules (schedule.full, schedule.incremental, verify.deep) until SIGTERM,",
            "serving /metrics and /health on metrics.listen. Logs to stdout and <repository>/<instance>/daemon.log."},
        footer = {"%nExamples:", "  bin/backup --config /etc/backup-scheduler/backup.yml daemon",
            "  systemctl start backup-scheduler   (docs/daemon.md has the unit)", ""})
final class DaemonCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = Context.of(spec)) {
            BackupConfig config = ctx.config();
            var source = ctx.source();
            var catalog = ctx.catalog();
            var engine = ctx.engine();
            RepositoryLayout.createPrivateDir(config.instanceDir());
            Path logFile = config.instanceDir().resolve("daemon.log");
            DaemonLogging.toStdoutAndFile(logFile);
            Daemon daemon = new Daemon(config, catalog, engine, source, Clock.systemUTC());
            // SIGTERM and SIGINT stop scheduling and let a running backup finish and be recorded
            // before the JVM begins to exit. A signal handler, not a shutdown hook: during JVM
            // shutdown H2 closes the catalog from its own hook, under the running backup's feet.
            Signal.handle(new Signal("TERM"), sig -> new Thread(daemon::close, "daemon-stop").start());
            Signal.handle(new Signal("INT"), sig -> new Thread(daemon::close, "daemon-stop").start());
            daemon.start();
            daemon.awaitStop();
            return UserError.OK;
        }
    }
}
