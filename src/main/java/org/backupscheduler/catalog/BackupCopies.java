package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The backup_copies table: which repositories hold a copy of each backup when the config names
 * several ({@code repositories:}). A config with one repository writes no rows here.
 */
public final class BackupCopies {
    /** What one copy is now. */
    public enum State { STORED, INVALID, REMOVED }

    /** One backup's copy in one repository. */
    public record Copy(String instance, String backupId, String repository, String url, State state,
                       Instant changedAt, String reason) {
    }

    private final Catalog catalog;

    BackupCopies(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Records {@code copy}, replacing what was said of the same backup and repository before. */
    public void record(Copy copy) {
        String update = "UPDATE backup_copies SET url=?, state=?, changed_at=?, reason=? "
                + "WHERE instance=? AND backup_id=? AND repository=?";
        String insert = "INSERT INTO backup_copies (url, state, changed_at, reason, instance, backup_id, repository) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = catalog.connection()) {
            int n;
            try (PreparedStatement ps = c.prepareStatement(update)) {
                n = bind(ps, copy).executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    bind(ps, copy).executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("record the copy of backup " + copy.backupId() + " in " + copy.repository(), e);
        }
    }

    /** Every copy of the backup, by repository name. */
    public List<Copy> of(String instance, String backupId) {
        String sql = "SELECT repository, url, state, changed_at, reason FROM backup_copies "
                + "WHERE instance=? AND backup_id=? ORDER BY repository";
        List<Copy> found = new ArrayList<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, backupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Copy(instance, backupId, rs.getString(1), rs.getString(2),
                            State.valueOf(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read the copies of backup " + backupId, e);
        }
        return found;
    }

    private static PreparedStatement bind(PreparedStatement ps, Copy copy) throws SQLException {
        ps.setString(1, copy.url());
        ps.setString(2, copy.state().name());
        ps.setLong(3, copy.changedAt().toEpochMilli());
        ps.setString(4, copy.reason());
        ps.setString(5, copy.instance());
        ps.setString(6, copy.backupId());
        ps.setString(7, copy.repository());
        return ps;
    }
}
