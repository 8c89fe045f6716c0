package org.backupscheduler.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.backupscheduler.engine.Coordinates;

/**
 * Which binlogs the primary still has, and whether a position is among them: a replica whose
 * start position was purged fails with error 1236 and cannot catch up by itself.
 */
public record PrimaryBinlogs(List<String> files, String oldestGtidState) {

    public static PrimaryBinlogs read(Connection c) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        String state = null;
        if (!files.isEmpty()) {
            // MariaDB: the GTID state at the start of the oldest binlog still on disk.
            try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, 4)")) {
                ps.setString(1, files.get(0));
                try (ResultSet rs = ps.executeQuery()) {
                    state = rs.next() ? rs.getString(1) : null;
                }
            } catch (SQLException e) {
                state = null; // MySQL has no BINLOG_GTID_POS; the file check still applies.
            }
        }
        return new PrimaryBinlogs(List.copyOf(files), state);
    }

    /** Null when the primary can serve a replica from {@code from}; else why not. */
    public String missing(Coordinates from) {
        return missing(from, "the backup");
    }

    /** As {@link #missing(Coordinates)}; {@code whose} names the position in the message. */
    public String missing(Coordinates from, String whose) {
        if (files.isEmpty()) {
            return "the primary has no binlogs (log_bin off?)";
        }
        if (from.binlogFile() != null) {
            if (!files.contains(from.binlogFile())) {
                return "the primary no longer has binlog " + from.binlogFile() + " (its oldest is " + files.get(0)
                        + ")";
            }
            return null;
        }
        if (from.gtid() != null && oldestGtidState != null) {
            Map<String, Long> oldest = seqByDomain(oldestGtidState);
            Map<String, Long> wanted = seqByDomain(from.gtid());
            for (Map.Entry<String, Long> e : oldest.entrySet()) {
                Long have = wanted.get(e.getKey());
                if (have == null || have < e.getValue()) {
                    return "the primary's oldest binlog " + files.get(0) + " starts after GTID " + e.getKey() + "-*-"
                            + e.getValue() + ", but " + whose + " is at " + from.gtid() + ": the events between were purged";
                }
            }
        }
        return null;
    }

    /** "0-1-100,1-2-7" → {0: 100, 1: 7} (the server id does not order events). */
    public static Map<String, Long> seqByDomain(String gtids) {
        Map<String, Long> m = new HashMap<>();
        for (String g : gtids.split(",")) {
            String[] parts = g.strip().split("-");
            if (parts.length == 3) {
                m.merge(parts[0], Long.parseLong(parts[2]), Math::max);
            }
        }
        return m;
    }
}
