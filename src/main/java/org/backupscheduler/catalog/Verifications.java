package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The verifications table: the history of every level run on every backup. */
public final class Verifications {
    private static final int MAX_FINDING = 4000;
    private final Catalog catalog;

    Verifications(Catalog catalog) {
        this.catalog = catalog;
    }

    public void record(VerificationRecord v) {
        String sql = "INSERT INTO verifications (instance, backup_id, level, started_at, duration_ms, ok, finding) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, v.instance());
            ps.setString(2, v.backupId());
            ps.setString(3, v.level());
            ps.setLong(4, v.startedAt().toEpochMilli());
            ps.setLong(5, v.duration().toMillis());
            ps.setBoolean(6, v.ok());
            String finding = v.finding();
            ps.setString(7, finding != null && finding.length() > MAX_FINDING
                    ? finding.substring(0, MAX_FINDING - 3) + "..." : finding);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogException("record the verification of backup " + v.backupId(), e);
        }
    }

    /** Every run of {@code level} for the instance in [{@code from}, {@code to}), newest first (restore drills). */
    public List<VerificationRecord> between(String instance, String level, Instant from, Instant to) {
        String sql = "SELECT instance, backup_id, level, started_at, duration_ms, ok, finding FROM verifications "
                + "WHERE instance=? AND level=? AND started_at>=? AND started_at<? ORDER BY started_at DESC";
        List<VerificationRecord> out = new ArrayList<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, level);
            ps.setLong(3, from.toEpochMilli());
            ps.setLong(4, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read verifications", e);
        }
        return out;
    }

    /** Newest first. */
    public List<VerificationRecord> of(String instance, String backupId) {
        String sql = "SELECT instance, backup_id, level, started_at, duration_ms, ok, finding FROM verifications "
                + "WHERE instance=? AND backup_id=? ORDER BY started_at DESC, level";
        List<VerificationRecord> out = new ArrayList<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            ps.setString(2, backupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("read the verifications of backup " + backupId, e);
        }
        return out;
    }

    private static VerificationRecord read(ResultSet rs) throws SQLException {
        return new VerificationRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), Duration.ofMillis(rs.getLong(5)), rs.getBoolean(6),
                rs.getString(7));
    }
}
