package org.backupscheduler.report;

import org.backupscheduler.catalog.BackupStatus;

/**
 * One hour of the coverage grid. When several backups started in the same hour the best outcome
 * wins (a verified backup covers the hour even if a retry failed before it); the failures are still
 * listed in the failures section.
 */
public enum Cell {
    VERIFIED('V'),
    /** Taken, not verified (yet). */
    COMPLETED('C'),
    /** Taken and later removed by retention: the hour was covered at the time. */
    EXPIRED('E'),
    INVALID('I'),
    FAILED('F'),
    SKIPPED('S'),
    /** Still running (or its process died and no start has noticed yet). */
    RUNNING('R'),
    /** Scheduled and nothing in the catalog. */
    MISSING('.'),
    /** Not scheduled in this hour and nothing ran. */
    NONE(' '),
    /** Not yet reached (the current hour or later), or before the window. */
    FUTURE('_');

    private final char symbol;

    Cell(char symbol) {
        this.symbol = symbol;
    }

    public char symbol() {
        return symbol;
    }

    /** The cell one backup of this status gives; null for statuses not shown in the grid. */
    static Cell of(BackupStatus s) {
        return switch (s) {
            case VERIFIED -> VERIFIED;
            case COMPLETED, LEGACY, STALE -> COMPLETED;
            case EXPIRED -> EXPIRED;
            case INVALID -> INVALID;
            case FAILED -> FAILED;
            case SKIPPED -> SKIPPED;
            case RUNNING -> RUNNING;
        };
    }

    /** Lower ordinal = better coverage. */
    Cell best(Cell other) {
        return other.ordinal() < ordinal() ? other : this;
    }
}
