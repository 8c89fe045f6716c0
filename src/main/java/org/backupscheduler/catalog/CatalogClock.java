package org.backupscheduler.catalog;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The catalog server's clock: what every host sharing a catalog compares lease expiry against,
 * so that a host whose clock is off neither takes a live lease nor writes one that looks dead to
 * the others. CURRENT_TIMESTAMP of the catalog database, as epoch time (H2; MySQL/MariaDB).
 */
public final class CatalogClock {
    private CatalogClock() {
    }

    public static Instant now(Connection c) throws SQLException {
        String sql = "H2".equals(c.getMetaData().getDatabaseProductName())
                ? "SELECT EXTRACT(EPOCH FROM CURRENT_TIMESTAMP)"
                : "SELECT UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3))";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            BigDecimal seconds = rs.getBigDecimal(1);
            return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        }
    }
}
