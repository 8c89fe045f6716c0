package org.backupscheduler.migrate;

import java.util.List;

/**
 * The config that replaces the hotcopy jobs: one source, one schedule, one repository. The old
 * databases are listed for the reader only: mariabackup copies the whole server, a superset.
 */
public record MigratedConfig(String instance, String repository, String host, Integer port, String socket,
                             String user, String passwordFile, String schedule, List<String> oldDatabases,
                             List<ConvertedLine> lines, List<String> warnings) {

    public MigratedConfig {
        oldDatabases = List.copyOf(oldDatabases);
        lines = List.copyOf(lines);
        warnings = List.copyOf(warnings);
    }

    /** One old crontab line (password redacted) beside the schedule that replaces it. */
    public record ConvertedLine(int lineNumber, String oldLine, String oldSchedule, String newSchedule) {
    }
}
