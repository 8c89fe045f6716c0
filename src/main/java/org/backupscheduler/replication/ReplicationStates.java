package org.backupscheduler.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** Reads {@code SHOW SLAVE STATUS} (needs SLAVE MONITOR on MariaDB 10.5.9+, REPLICATION CLIENT on MySQL). */
public final class ReplicationStates {
    /** MariaDB's error for a missing privilege on SHOW SLAVE STATUS. */
    static final int ACCESS_DENIED = 1227;

    private ReplicationStates() {
    }

    /** The state of the default connection, or empty when the server is not a replica. */
    public static Optional<ReplicationState> read(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new ReplicationState(rs.getString("Master_Host"), rs.getInt("Master_Port"),
                    "Yes".equalsIgnoreCase(rs.getString("Slave_IO_Running")),
                    "Yes".equalsIgnoreCase(rs.getString("Slave_SQL_Running")),
                    nullableLong(rs, "Seconds_Behind_Master"),
                    rs.getInt("Last_IO_Errno"), rs.getString("Last_IO_Error"),
                    rs.getInt("Last_SQL_Errno"), rs.getString("Last_SQL_Error"),
                    rs.getString("Master_Log_File"), rs.getLong("Read_Master_Log_Pos"),
                    rs.getString("Relay_Master_Log_File"), rs.getLong("Exec_Master_Log_Pos"),
                    optional(rs, "Gtid_IO_Pos"), optional(rs, "Using_Gtid")));
        }
    }

    public static boolean isAccessDenied(SQLException e) {
        return e.getErrorCode() == ACCESS_DENIED || e.getErrorCode() == 1045 || e.getErrorCode() == 1044;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** MySQL has no Gtid_IO_Pos / Using_Gtid columns. */
    private static String optional(ResultSet rs, String column) {
        try {
            return rs.getString(column);
        } catch (SQLException e) {
            return null;
        }
    }
}
