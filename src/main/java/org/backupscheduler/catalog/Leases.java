package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/**
 * What the run holding an instance's lease publishes about itself in its lease row (the row is
 * taken and renewed by schedule.Lease): its backup id and the connection id above which the
 * backup account's sessions on the source are its own. Any process's lock policy reads it to know
 * whether a run is in progress, and which sessions are that run's.
 */
public final class Leases {
    private final Catalog catalog;

    Leases(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * A live lease (not expired on the catalog's clock) and what its run published: while
     * {@code sessionsAfter} is set, the run's lock watcher is at work (its engine runs).
     */
    public record Held(String host, long pid, Instant expiresAt, String backupId, Long sessionsAfter) {
        public String describe() {
            return "pid " + pid + " on " + host + (backupId == null ? "" : ", backup " + backupId);
        }

        /** Whether the holder's run is watching the source's locks itself now. */
        public boolean watching() {
            return sessionsAfter != null;
        }
    }

    /**
     * Publishes the run's backup and sessions in the lease this process holds, or with
     * {@code sessionsAfter} null that its watcher stopped (the engine ended); false if it holds none.
     */
    public boolean publishRun(String instance, ProcessIdentity holder, String backupId, Long sessionsAfter) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE leases SET backup_id=?, sessions_after=? WHERE instance=? AND host=? AND pid=?")) {
            ps.setString(1, backupId);
            if (sessionsAfter == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, sessionsAfter);
            }
            ps.setString(3, instance);
            ps.setString(4, holder.host());
            ps.setLong(5, holder.pid());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new CatalogException("publish the run's sessions in the lease of " + instance, e);
        }
    }

    /** The lease of {@code instance} if one is held now, on the catalog's clock. */
    public Optional<Held> held(String instance) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT host, pid, expires_at, backup_id, sessions_after FROM leases WHERE instance=?")) {
            ps.setString(1, instance);
            Instant now = CatalogClock.now(c);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(3) < now.toEpochMilli()) {
                    return Optional.empty();
                }
                long after = rs.getLong(5);
                Long sessionsAfter = rs.wasNull() ? null : after;
                return Optional.of(new Held(rs.getString(1), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getString(4), sessionsAfter));
            }
        } catch (SQLException e) {
            throw new CatalogException("read the lease of " + instance, e);
        }
    }
}
