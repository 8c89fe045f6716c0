package org.backupscheduler.catalog;

import java.util.Locale;

/** What kind of copy a backup is. */
public enum BackupType {
    FULL, INCREMENTAL, LEGACY;

    /** The lower-case word used in the catalog, JSON and on the command line. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BackupType of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
