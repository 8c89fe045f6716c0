package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.backupscheduler.UserError;

/**
 * The backup_pins table: a restore, a verification or the drill reads a backup for minutes,
 * and the hourly run's retention must not delete it meanwhile. The reader holds a pin while it
 * reads; retention keeps every backup with a pin that counts. A pin counts while its owner
 * process lives (this host), or until it expires (another host, whose processes cannot be seen):
 * a reader that was killed never keeps a backup forever.
 */
public final class BackupPins {
    /** How long the pin of another host's process counts: longer than any restore or drill. */
    public static final Duration TTL = Duration.ofHours(24);

    private final Catalog catalog;

    BackupPins(Catalog catalog) {
        this.catalog = catalog;
    }

    /** A pin held by this process; closing it releases it. */
    public final class Pin implements AutoCloseable {
        private final String instance;
        private final String id;

        private Pin(String instance, String id) {
            this.instance = instance;
            this.id = id;
        }

        @Override
        public void close() {
            update("DELETE FROM backup_pins WHERE instance=? AND pin_id=?", instance, id);
        }
    }

    /**
     * Pins {@code backups} (a chain: the full and its incrementals) for {@code purpose}, then
     * reads their rows again: one that retention expired before the pin was there cannot be read,
     * and the reader is refused before it changed anything. Retention does the mirror image (marks
     * the row EXPIRED, then looks for pins), so one of the two always sees the other.
     */
    public Pin hold(String instance, Collection<BackupRecord> backups, String purpose) {
        ProcessIdentity owner = ProcessIdentity.current();
        Pin pin = new Pin(instance, UUID.randomUUID().toString());
        Instant now = Instant.now();
        String sql = "INSERT INTO backup_pins (instance, pin_id, backup_id, purpose, owner_host, owner_pid, "
                + "owner_started_at, pinned_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (BackupRecord b : backups) {
                ps.setString(1, instance);
                ps.setString(2, pin.id);
                ps.setString(3, b.id());
                ps.setString(4, purpose);
                ps.setString(5, owner.host());
                ps.setLong(6, owner.pid());
                ps.setLong(7, owner.startedAtMillis());
                ps.setLong(8, now.toEpochMilli());
                ps.setLong(9, now.plus(TTL).toEpochMilli());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            pin.close();
            throw new CatalogException("pin backups for " + purpose, e);
        }
        Backups rows = new Backups(catalog);
        for (BackupRecord b : backups) {
            BackupStatus status = rows.find(instance, b.id()).map(BackupRecord::status).orElse(null);
            if (status == null || status == BackupStatus.EXPIRED) {
                pin.close();
                throw new UserError("backup " + b.id() + " was " + (status == null ? "removed from the catalog"
                        : "expired by retention") + " just before the " + purpose + " could pin it; nothing was "
                        + "changed", "'backup list' shows the backups still there; run the " + purpose
                        + " again on one of them",
                        UserError.FAILED);
            }
        }
        return pin;
    }

    /**
     * The backups of {@code instance} with a pin that counts, each with who holds it. Pins that
     * no longer count (a dead owner of this host, an expired one of another host) are removed.
     */
    public Map<String, String> active(String instance) {
        Map<String, String> pinned = new LinkedHashMap<>();
        List<String> dead = new ArrayList<>();
        long now = System.currentTimeMillis();
        String sql = "SELECT pin_id, backup_id, purpose, owner_host, owner_pid, owner_started_at, pinned_at, "
                + "expires_at FROM backup_pins WHERE instance=? ORDER BY pinned_at";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ProcessIdentity owner = new ProcessIdentity(rs.getString(4), rs.getLong(5), rs.getLong(6));
                    boolean local = owner.host().equals(ProcessIdentity.hostName());
                    if (local ? owner.isGoneFromThisHost() : rs.getLong(8) <= now) {
                        dead.add(rs.getString(1));
                        continue;
                    }
                    pinned.putIfAbsent(rs.getString(2), rs.getString(3) + " (pid " + owner.pid() + " on "
                            + owner.host() + ", since " + Instant.ofEpochMilli(rs.getLong(7)) + ")");
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read backup pins", e);
        }
        dead.forEach(id -> update("DELETE FROM backup_pins WHERE instance=? AND pin_id=?", instance, id));
        return pinned;
    }

    private void update(String sql, String... params) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogException("update backup pins", e);
        }
    }
}
