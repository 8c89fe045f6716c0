package org.backupscheduler.report;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Whether a catalog table exists (H2 stores names upper-case, MariaDB as written). */
final class Tables {
    private Tables() {
    }

    static boolean exists(Connection c, String name) throws SQLException {
        for (String n : new String[] {name, name.toUpperCase()}) {
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, n, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
