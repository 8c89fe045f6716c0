package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The store_leftovers table: a failed backup whose objects in a store off the host could not be
 * removed when it failed (the store down, the process killed). Each start removes them once the
 * store answers (backup.OrphanRuns) and forgets the row; until then the row says what is there.
 */
public final class StoreLeftovers {
    /** Backup {@code id} of {@code instance} left objects in {@code repository} (its URL). */
    public record Leftover(String instance, String id, String repository, Instant notedAt, String why) {
    }

    private final Catalog catalog;

    StoreLeftovers(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Notes what a run left; noting it again keeps the first row. */
    public void note(String instance, String id, String repository, String why) {
        String sql = "INSERT INTO store_leftovers (instance, backup_id, repository, noted_at, why) VALUES (?,?,?,?,?)";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, id);
            ps.setString(3, repository);
            ps.setLong(4, System.currentTimeMillis());
            ps.setString(5, why.length() > 1024 ? why.substring(0, 1021) + "..." : why);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) { // 23: noted already
                throw new CatalogException("note the store objects backup " + id + " left", e);
            }
        }
    }

    /** What is noted for {@code instance}, oldest first. */
    public List<Leftover> list(String instance) {
        List<Leftover> all = new ArrayList<>();
        String sql = "SELECT backup_id, repository, noted_at, why FROM store_leftovers WHERE instance=? "
                + "ORDER BY noted_at, backup_id";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new Leftover(instance, rs.getString(1), rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read the store objects failed backups left", e);
        }
        return all;
    }

    /** Forgets a leftover once its objects are gone. */
    public void forget(Leftover l) {
        String sql = "DELETE FROM store_leftovers WHERE instance=? AND backup_id=? AND repository=?";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, l.instance());
            ps.setString(2, l.id());
            ps.setString(3, l.repository());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogException("forget the store objects of backup " + l.id(), e);
        }
    }
}
