package org.backupscheduler.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a backup needs to know about the server it backs up, read once before it starts. */
public record ServerFacts(String version, long serverId, Path datadir, boolean logBin, String gtidPosition) {

    public static ServerFacts read(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@version, @@server_id, @@datadir, @@log_bin")) {
            rs.next();
            String version = rs.getString(1);
            long serverId = rs.getLong(2);
            Path datadir = Path.of(rs.getString(3));
            boolean logBin = rs.getBoolean(4);
            // MariaDB and MySQL name their executed-GTID variable differently.
            String gtidVar = version.toLowerCase().contains("mariadb") ? "@@global.gtid_binlog_pos"
                    : "@@global.gtid_executed";
            String gtid;
            try (ResultSet g = st.executeQuery("SELECT " + gtidVar)) {
                g.next();
                gtid = g.getString(1);
            }
            return new ServerFacts(version, serverId, datadir, logBin, gtid);
        }
    }

    public boolean isMariaDb() {
        return version.toLowerCase().contains("mariadb");
    }
}
