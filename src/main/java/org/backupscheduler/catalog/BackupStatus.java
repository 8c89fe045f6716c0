package org.backupscheduler.catalog;

/** The lifecycle of a backup (DESIGN.md). Only VERIFIED backups are ever restored by --latest. */
public enum BackupStatus {
    /** The engine is copying. */
    RUNNING,
    /** Engine done, manifest written; not yet proven. */
    COMPLETED,
    /** Every configured verification level passed. */
    VERIFIED,
    /** A verification failed; the reason says which and why. */
    INVALID,
    /** The engine failed, timed out, was killed, or the process died. */
    FAILED,
    /** Not run: the previous run was still going. */
    SKIPPED,
    /** Removed by retention. */
    EXPIRED,
    /** An imported mysqlhotcopy directory. */
    LEGACY,
    /** Taken from a replica that was broken or lagging; never chosen by --latest. */
    STALE
}
