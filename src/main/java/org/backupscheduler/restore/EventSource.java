package org.backupscheduler.restore;

import java.io.IOException;
import java.util.List;

import org.backupscheduler.engine.Coordinates;

/**
 * Where the events after a backup come from, as a process that prints them as SQL for
 * {@code mariadb} to apply. Today the primary's own binlogs ({@link PrimaryEvents}); the
 * binlog archive of the repository plugs in here as a second implementation (the same
 * {@code mariadb-binlog}, reading archived files instead of {@code --read-from-remote-server}).
 */
interface EventSource extends AutoCloseable {

    /** For the plan and the catalog: which server or archive, and as whom. */
    String describe();

    /**
     * Why the events from {@code from} on cannot all be had (purged, not archived), or null when
     * they can. Asked before anything is written.
     */
    String missing(Coordinates from) throws IOException;

    /**
     * Why {@code target} lies beyond the last event to be had (a GTID the primary never wrote),
     * or null when it does not. A time after the last event is no error: all events are applied.
     */
    String beyond(RecoveryTarget target) throws IOException;

    /** The argv of a process printing, as SQL on its stdout, the events after {@code from} up to {@code target}. */
    List<String> events(Coordinates from, RecoveryTarget target) throws IOException;

    /** Removes what {@link #events} needed (a credentials file). */
    @Override
    void close() throws IOException;
}
