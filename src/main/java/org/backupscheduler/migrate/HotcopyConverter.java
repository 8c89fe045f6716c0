package org.backupscheduler.migrate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.backupscheduler.UserError;

/**
 * Turns the hotcopy jobs of a crontab into one config. Several jobs against the same server
 * become one schedule (the first job's), because one mariabackup run copies every database;
 * the warnings say what was merged or assumed.
 */
public final class HotcopyConverter {
    static final String PASSWORD_FILE = "/etc/backup-scheduler/source.password";
    static final String DEFAULT_SOCKET = "/run/mysqld/mysqld.sock";

    private HotcopyConverter() {
    }

    public static MigratedConfig convert(ParsedCrontab crontab, Path crontabFile) {
        List<HotcopyJob> jobs = crontab.jobs();
        if (jobs.isEmpty()) {
            throw new UserError("no mysqlhotcopy or mariadb-hotcopy line found in " + crontabFile,
                    "pass the crontab that runs them ('crontab -l > old.cron' as their user, or /etc/crontab)",
                    UserError.USAGE);
        }
        List<String> warnings = new ArrayList<>(crontab.warnings());
        List<MigratedConfig.ConvertedLine> lines = new ArrayList<>();
        Set<String> databases = new LinkedHashSet<>();
        String schedule = null;
        for (HotcopyJob job : jobs) {
            String converted = ScheduleConversion.convert(job.schedule());
            if (converted == null) {
                warnings.add("line " + job.lineNumber() + ": " + job.schedule()
                        + " has no schedule equivalent; run 'backup run' from your boot scripts if you need it");
            } else if (schedule == null) {
                schedule = converted;
            } else if (!schedule.equals(converted)) {
                warnings.add("line " + job.lineNumber() + ": schedule '" + job.schedule() + "' merged into '"
                        + schedule + "': one full backup copies every database");
            }
            lines.add(new MigratedConfig.ConvertedLine(job.lineNumber(), job.line(), job.schedule(),
                    converted == null ? "(none)" : converted));
            databases.addAll(job.databases());
            retentionWarning(job).ifPresent(warnings::add);
            if (!job.regexps().isEmpty()) {
                warnings.add("line " + job.lineNumber() + ": table filter " + job.regexps()
                        + " not carried over: the new backup copies every table of the server");
            }
        }
        HotcopyJob first = jobs.get(0);
        for (HotcopyJob job : jobs) {
            if (!same(job.host(), first.host()) || !same(job.port(), first.port())
                    || !same(job.socket(), first.socket())) {
                warnings.add("line " + job.lineNumber() + ": another server than line " + first.lineNumber()
                        + "; write one config per server (this one is for line " + first.lineNumber() + ")");
            }
        }
        String socket = first.socket();
        if (first.host() == null && socket == null) {
            socket = DEFAULT_SOCKET;
            warnings.add("line " + first.lineNumber() + ": no --host or --socket; assumed the local socket "
                    + DEFAULT_SOCKET + " (check source.socket)");
        }
        String user = first.user();
        if (user == null) {
            user = "backup";
            warnings.add("line " + first.lineNumber() + ": no --user (hotcopy used the cron user or ~/.my.cnf); "
                    + "wrote user 'backup': create it with RELOAD, PROCESS, BINLOG MONITOR");
        }
        if (jobs.stream().noneMatch(HotcopyJob::passwordInLine)) {
            warnings.add("the password is not in the crontab (hotcopy read it from an option file); "
                    + "write it to " + PASSWORD_FILE + " (mode 0600)");
        }
        return new MigratedConfig(instanceName(first), repository(first, warnings), first.host(), first.port(),
                socket, user, PASSWORD_FILE, schedule == null ? "@hourly" : schedule, List.copyOf(databases),
                lines, warnings);
    }

    /**
     * Hotcopy kept one copy per target (two with {@code --keepold}); the catalog keeps many and
     * expires them by count. Say what the old flags meant so nobody expects them to still act.
     */
    private static Optional<String> retentionWarning(HotcopyJob job) {
        List<String> old = job.flags().stream().filter(f -> List.of("allowold", "keepold", "addtodest").contains(f))
                .map(f -> "--" + f).toList();
        if (old.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("line " + job.lineNumber() + ": " + String.join(", ", old)
                + " kept at most the previous copy; 'retention:' now keeps " + RETENTION
                + " full backups by count (each one a full copy: check the repository's disk)");
    }

    /** What the writer puts under retention: the defaults of docs/configuration.md. */
    static final String RETENTION = "hourly 24, daily 7, weekly 4";

    /**
     * The new repository sits beside the old hotcopy target, never inside it: the old folders
     * stay as they are (and can be imported as LEGACY) while both run in parallel.
     */
    private static String repository(HotcopyJob job, List<String> warnings) {
        String target = job.targetDir();
        if (target == null || !target.startsWith("/")) {
            warnings.add("line " + job.lineNumber() + ": no absolute target folder; repository set to "
                    + "/var/backups/mysql (check it has room for full backups)");
            return "/var/backups/mysql";
        }
        Path parent = Path.of(target).normalize().getParent();
        return (parent == null ? Path.of("/") : parent).resolve("backup-scheduler").toString();
    }

    private static String instanceName(HotcopyJob job) {
        String host = job.host();
        if (host == null || host.equals("localhost") || host.equals("127.0.0.1")) {
            return "db1";
        }
        String name = host.replaceAll("[^A-Za-z0-9_.-]", "-");
        return Character.isLetterOrDigit(name.charAt(0)) ? name : "db1";
    }

    private static boolean same(Object a, Object b) {
        return a == null ? b == null : a.equals(b);
    }
}
