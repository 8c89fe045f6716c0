package org.backupscheduler.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.config.SourceConfig;
import org.backupscheduler.engine.Coordinates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a backup: is the source a primary or a replica (configured, else detected from
 * {@code SHOW SLAVE STATUS}), and if a replica, is it fresh enough to be worth backing up?
 */
public record SourceInspection(boolean replica, ReplicationState state, Freshness freshness) {
    private static final Logger log = LoggerFactory.getLogger(SourceInspection.class);

    public static SourceInspection inspect(Connection c, SourceConfig config) throws SQLException {
        if (config.role() == SourceConfig.Role.PRIMARY) {
            return primary();
        }
        Optional<ReplicationState> state;
        try {
            state = ReplicationStates.read(c);
        } catch (SQLException e) {
            if (!ReplicationStates.isAccessDenied(e)) {
                throw e;
            }
            if (config.role() == SourceConfig.Role.REPLICA) {
                return new SourceInspection(true, null, new Freshness(false, "cannot read the replica's "
                        + "replication state (" + e.getMessage() + "); GRANT SLAVE MONITOR ON *.* TO the backup user"));
            }
            // Detecting without the grant: we cannot tell, and must not block primaries whose
            // account has only the three backup privileges. Say so loudly; 'backup check' names it.
            log.warn("cannot tell whether the source is a replica: SHOW SLAVE STATUS needs SLAVE MONITOR ({}); "
                    + "backing up as a primary. Set source.role, or grant SLAVE MONITOR", e.getMessage());
            return primary();
        }
        if (state.isEmpty()) {
            if (config.role() == SourceConfig.Role.REPLICA) {
                return new SourceInspection(true, null, new Freshness(false,
                        "source.role is replica but the server has no replication configured (SHOW SLAVE STATUS "
                                + "is empty)"));
            }
            return primary();
        }
        return new SourceInspection(true, state.get(), Freshness.judge(state.get(), config.maxLag()));
    }

    private static SourceInspection primary() {
        return new SourceInspection(false, null, new Freshness(true, null));
    }

    /** What the catalog keeps of this inspection, with the primary's coordinates from the engine. */
    public SourceState toSourceState(Coordinates primaryCoordinates) {
        if (!replica) {
            return SourceState.ofPrimary();
        }
        return new SourceState(SourceState.REPLICA, state == null ? null : state.secondsBehind(),
                state == null ? null : state.describe(), state == null ? null : state.primaryAddress(),
                primaryCoordinates == null ? Coordinates.NONE : primaryCoordinates);
    }
}
