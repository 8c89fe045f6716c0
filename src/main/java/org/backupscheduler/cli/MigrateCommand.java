package org.backupscheduler.cli;

import picocli.CommandLine.Command;

/** {@code backup migrate}: moving over from other backup tools. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Move over from mysqlhotcopy.",
        subcommands = {MigrateHotcopyCommand.class},
        footer = {"%nExamples:", "  bin/backup migrate hotcopy --crontab old.cron --write-config new.yml"})
final class MigrateCommand {
}
