package org.backupscheduler.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Predicate;
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

    /**
     * The first free id for {@code now}: free both as a folder and in the catalog ({@code taken}),
     * since a folder may be gone (moved repository, disk swapped) while its row stays.
     */
    public static String next(Path instanceDir, BackupType type, Instant now, Predicate<String> taken) {
        String base = FORMAT.format(now) + (type == BackupType.INCREMENTAL ? "I" : "F");
        String id = base;
        for (int n = 2; Files.exists(instanceDir.resolve(id)) || taken.test(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }
}
