package org.backupscheduler.restore;

import java.nio.file.Path;
import java.util.List;

/** A restore's id (null for a dry run), the backup used, where the old datadir went, and notes. */
public record RestoreOutcome(String restoreId, String backupId, Path oldDatadir, List<String> notes) {
}
