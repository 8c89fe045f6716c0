package org.backupscheduler.binlogs;

import java.sql.SQLException;

import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;

/** The server's own GTID position, to compare with what the archive says. */
final class SqlGtid {
    private SqlGtid() {
    }

    static String of(SandboxServer server) throws SQLException {
        return SqlValues.single(server, "SELECT @@gtid_binlog_pos");
    }
}
