package org.backupscheduler.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.backupscheduler.catalog.BackupType;

/**
 * Backup ids sort by time and say what they are: {@code 20261124-091500F} (full) or
 * {@code ...I} (incremental), in UTC; a second backup in the same second gets a suffix.
 */
public final class BackupIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private BackupIds() {
    }

    public static String next(Path instanceDir, BackupType type, Instant now) {
        String base = FORMAT.format(now) + (type == BackupType.INCREMENTAL ? "I" : "F");
        String id = base;
        for (int n = 2; Files.exists(instanceDir.resolve(id)); n++) {
            id = base + "-" + n;
        }
        return id;
    }
}
