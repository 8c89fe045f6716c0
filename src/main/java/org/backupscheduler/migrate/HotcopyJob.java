package org.backupscheduler.migrate;

import java.util.List;

/**
 * One crontab line that runs mysqlhotcopy / mariadb-hotcopy, taken apart. The password is never
 * kept: only the fact that the line carried one ({@code passwordInLine}).
 */
public record HotcopyJob(int lineNumber, String line, String schedule, String tool, String user,
                         boolean passwordInLine, String host, Integer port, String socket,
                         List<String> databases, List<String> regexps, String targetDir,
                         List<String> flags) {

    public HotcopyJob {
        databases = List.copyOf(databases);
        regexps = List.copyOf(regexps);
        flags = List.copyOf(flags);
    }
}
