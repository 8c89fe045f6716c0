package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The restore drill: a throw-away server ({@link DrillServer}: reachable only over a private
 * socket) starts on the prepared copy, CHECK TABLE runs on every table, and the schemas and tables
 * must be those recorded at backup time. Its duration is what a restore of this backup costs
 * before any data can be read.
 */
final class DeepCheck {
    /** Schemas the server makes up at runtime, not files of the backup. */
    private static final Set<String> VIRTUAL = Set.of("information_schema", "performance_schema");

    private DeepCheck() {
    }

    /** {@code deadline} bounds the drill server's life: a drill still running then is ended. */
    static List<String> problems(Path preparedDatadir, Map<String, List<String>> inventory, Duration deadline)
            throws IOException {
        List<String> problems = new ArrayList<>();
        try (DrillServer server = DrillServer.start(preparedDatadir, deadline)) {
            query(server, inventory, problems);
        }
        return problems;
    }

    private static void query(DrillServer server, Map<String, List<String>> inventory, List<String> problems) {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            Map<String, Set<String>> found = new TreeMap<>();
            try (ResultSet rs = st.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM "
                    + "information_schema.TABLES WHERE TABLE_SCHEMA NOT IN ('information_schema', "
                    + "'performance_schema')")) {
                while (rs.next()) {
                    found.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
                }
            }
            compare(inventory, found, problems);
            for (Map.Entry<String, Set<String>> schema : found.entrySet()) {
                for (String table : schema.getValue()) {
                    check(st, schema.getKey(), table, problems);
                }
            }
        } catch (SQLException e) {
            String ended = server.ended();
            problems.add("the restored copy could not be queried: " + e.getMessage()
                    + (ended == null ? "" : " (the drill server ended: " + ended + ")"));
        }
    }

    static void compare(Map<String, List<String>> inventory, Map<String, Set<String>> found, List<String> problems) {
        for (Map.Entry<String, List<String>> schema : inventory.entrySet()) {
            if (VIRTUAL.contains(schema.getKey())) {
                continue;
            }
            Set<String> there = found.getOrDefault(schema.getKey(), Set.of());
            if (!found.containsKey(schema.getKey())) {
                problems.add("schema " + schema.getKey() + " recorded at backup time is missing after restore");
                continue;
            }
            for (String table : schema.getValue()) {
                if (!there.contains(table)) {
                    problems.add("table " + schema.getKey() + "." + table + " recorded at backup time is missing");
                }
            }
        }
    }

    private static void check(Statement st, String schema, String table, List<String> problems) throws SQLException {
        // Names come from the server's own information_schema; quoted as identifiers all the same.
        String name = quote(schema) + "." + quote(table);
        try (ResultSet rs = st.executeQuery("CHECK TABLE " + name)) {
            while (rs.next()) {
                String type = rs.getString("Msg_type");
                String text = rs.getString("Msg_text");
                boolean view = "note".equalsIgnoreCase(type) && text != null && text.contains("doesn't support check");
                if ("error".equalsIgnoreCase(type) || ("status".equalsIgnoreCase(type) && !"OK".equalsIgnoreCase(text)
                        && !"Table is already up to date".equalsIgnoreCase(text)) && !view) {
                    problems.add("CHECK TABLE " + schema + "." + table + ": " + type + ": " + text);
                }
            }
        }
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
