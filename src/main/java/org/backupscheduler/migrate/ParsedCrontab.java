package org.backupscheduler.migrate;

import java.util.List;
import java.util.Map;

/** What {@link CrontabParser} found: the hotcopy jobs, the environment lines, and warnings. */
public record ParsedCrontab(List<HotcopyJob> jobs, Map<String, String> environment, List<String> warnings) {

    public ParsedCrontab {
        jobs = List.copyOf(jobs);
        environment = Map.copyOf(environment);
        warnings = List.copyOf(warnings);
    }
}
