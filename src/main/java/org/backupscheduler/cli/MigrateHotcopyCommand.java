package org.backupscheduler.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.migrate.LegacyImport;
import org.backupscheduler.migrate.ConfigYamlWriter;
import org.backupscheduler.migrate.CrontabParser;
import org.backupscheduler.migrate.HotcopyConverter;
import org.backupscheduler.migrate.MigratedConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backup migrate hotcopy}: reads the crontab that runs mysqlhotcopy, prints each old line
 * beside its new schedule, and writes the equivalent config. It needs no config of its own.
 */
@Command(name = "hotcopy", mixinStandardHelpOptions = true,
        description = "Convert mysqlhotcopy / mariadb-hotcopy crontab lines into a config.",
        footer = {"%nExamples:", "  crontab -l > old.cron && bin/backup migrate hotcopy --crontab old.cron",
            "  bin/backup migrate hotcopy --crontab /etc/crontab --write-config /etc/backup-scheduler/backup.yml",
            "  bin/backup --config new.yml migrate hotcopy --import-dir /backup/hotcopy",
            "%nA password found in the crontab is never copied: put it in the password-file (mode 0600)."})
final class MigrateHotcopyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--crontab", paramLabel = "FILE", description = "the crontab to read")
    Path crontab;

    @Option(names = "--write-config", paramLabel = "FILE", description = "write the config here (never overwritten)")
    Path writeConfig;

    @Option(names = "--import-dir", paramLabel = "DIR",
            description = "catalog the hotcopy folders under DIR as LEGACY (needs --config)")
    Path importDir;

    @Override
    public Integer call() {
        if (crontab == null && importDir == null) {
            throw new UserError("nothing to do: give --crontab FILE, --import-dir DIR, or both",
                    "see 'backup migrate hotcopy --help'", UserError.USAGE);
        }
        int code = crontab != null ? convertCrontab() : UserError.OK;
        return importDir != null ? Math.max(code, importFolders()) : code;
    }

    /** Exit 3 when a folder is INVALID: the user must know before trusting the old copies. */
    private int importFolders() {
        try (Context ctx = Context.of(spec)) {
            // Before the catalog is opened: a refused import leaves no trace, not even a new catalog.
            LegacyImport.refuseOverlap(importDir, ctx.config().localRepository());
            LegacyImport legacy = new LegacyImport(ctx.catalog().backups(), ctx.config().instance(),
                    ctx.config().instanceDir());
            int invalid = 0;
            for (LegacyImport.Imported i : legacy.importDir(importDir)) {
                String note = i.alreadyCataloged() ? " (already in the catalog)" : "";
                ctx.out().println(String.format("%-8s %s  %s%s", i.status(), i.id(), i.check().folder(), note));
                ctx.out().println("         " + i.check().summary());
                invalid += i.status() == BackupStatus.INVALID ? 1 : 0;
            }
            if (invalid > 0) {
                ctx.err().println("error: " + invalid + " hotcopy folder(s) failed their check (INVALID above)");
                ctx.err().println("HINT: do not count on them for a restore; take a new backup with 'backup run'");
                return UserError.PROBLEMS;
            }
            return UserError.OK;
        }
    }

    private int convertCrontab() {
        PrintWriter out = spec.commandLine().getOut();
        MigratedConfig config = HotcopyConverter.convert(CrontabParser.parse(read(crontab)), crontab);
        out.println("old crontab line  =>  new schedule");
        for (MigratedConfig.ConvertedLine l : config.lines()) {
            out.println(l.lineNumber() + ": " + l.oldLine());
            out.println("    =>  schedule.full: " + l.newSchedule() + "   (was '" + l.oldSchedule() + "')");
        }
        for (String w : config.warnings()) {
            out.println("warning: " + w);
        }
        if (writeConfig == null) {
            out.println();
            out.print(ConfigYamlWriter.write(config));
            return UserError.OK;
        }
        try {
            ConfigYamlWriter.writeNew(writeConfig, config);
        } catch (FileAlreadyExistsException e) {
            throw new UserError("config file " + writeConfig + " already exists; not overwritten",
                    "pass another --write-config FILE, or move the existing one aside first", UserError.USAGE);
        } catch (IOException e) {
            throw new UserError("cannot write " + writeConfig + ": " + e.getMessage(),
                    "check the folder exists and is writable", UserError.FAILED);
        }
        out.println("wrote " + writeConfig + "; next: put the password in " + config.passwordFile()
                + " (mode 0600) and run 'backup --config " + writeConfig + " check'");
        return UserError.OK;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UserError("cannot read crontab " + file + ": " + e.getMessage(),
                    "pass the file written by 'crontab -l > FILE' (or /etc/crontab)", UserError.USAGE);
        }
    }
}
