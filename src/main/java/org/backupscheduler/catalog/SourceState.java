package org.backupscheduler.catalog;

import org.backupscheduler.engine.Coordinates;

/**
 * The source's side of one backup: {@code role} is primary or replica; for a replica its lag at
 * backup time, its replication state in a line, and the primary's coordinates it had applied.
 */
public record SourceState(String role, Long lagSeconds, String replication, String primaryAddress,
                          Coordinates primary) {
    public static final String PRIMARY = "primary";
    public static final String REPLICA = "replica";

    public static SourceState ofPrimary() {
        return new SourceState(PRIMARY, null, null, null, Coordinates.NONE);
    }

    public boolean isReplica() {
        return REPLICA.equals(role);
    }
}
