package org.backupscheduler.cli;

import java.nio.file.Path;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: global options and the list of commands. */
@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Lock-free physical MySQL/MariaDB backups: catalog, verification, kill policy, replica rebuild.",
        subcommands = {InitCommand.class, CheckCommand.class, RunCommand.class, ListCommand.class,
            ShowCommand.class, VerifyCommand.class, RestoreCommand.class, ReplicaCommand.class, BinlogsCommand.class,
            ExpireCommand.class,
            DaemonCommand.class, ClusterCommand.class, LocksCommand.class, ReportCommand.class, CatalogCommand.class,
            MigrateCommand.class, DemoCommand.class, RepositoryCommand.class,
            AutoComplete.GenerateCompletion.class},
        footer = {"%nExamples:", "  bin/backup demo", "  bin/backup --config /etc/backup-scheduler/backup.yml run",
            "  bin/backup list --json",
            "  bin/backup --config-dir /etc/backup-scheduler/instances --instance db1 run"})
public final class BackupCommand {
    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "config file (default: $BACKUP_CONFIG, else config/backup.yml)")
    Path config;

    @Option(names = "--config-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "a folder of instance files (*.yml) and an optional defaults.yml merged under each "
                    + "(docs/fleet.md)")
    Path configDir;

    @Option(names = "--instance", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "the instance to work on; required when --config-dir holds several")
    String instance;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "print stack traces with errors")
    boolean debug;
}
