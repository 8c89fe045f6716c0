package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.backupscheduler.UserError;
import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * Where the replica's datadir is, before anything is stopped: the config, else {@code datadir}
 * in the server sections of its {@code defaults-file}, else the running server's answer. Never a
 * guess: without a datadir, {@code --copy-back} silently writes into /var/lib/mysql.
 */
final class DatadirResolver {
    private static final Set<String> SERVER_SECTIONS = Set.of("mysqld", "mariadbd", "server", "mariadb");

    private DatadirResolver() {
    }

    record Resolved(Path datadir, String how) {
    }

    static Resolved resolve(String name, ReplicaConfig config, Endpoint admin) {
        if (config.datadir() != null) {
            return new Resolved(config.datadir(), "replicas." + name + ".datadir");
        }
        if (config.defaultsFile() != null) {
            Optional<String> fromFile = serverOption(config.defaultsFile(), "datadir");
            if (fromFile.isPresent()) {
                return new Resolved(Path.of(fromFile.get()), "datadir in " + config.defaultsFile());
            }
        }
        try (Connection c = ServerConnections.open(admin); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@datadir")) {
            rs.next();
            return new Resolved(Path.of(rs.getString(1)), "asked the running replica (SELECT @@datadir)");
        } catch (SQLException e) {
            throw new UserError("the datadir of replica " + name + " is unknown: not in the config, "
                    + (config.defaultsFile() == null ? "no defaults-file" : "not in " + config.defaultsFile())
                    + ", and the server cannot be asked (" + e.getMessage() + "); nothing was changed",
                    "set replicas." + name + ".datadir", UserError.USAGE);
        }
    }

    /** The last value of {@code key} (dashes or underscores) in the server sections of an option file. */
    static Optional<String> serverOption(Path file, String key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        String section = "";
        String found = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip().toLowerCase();
            } else if (SERVER_SECTIONS.contains(section) && !line.startsWith("#") && !line.startsWith(";")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).strip().replace('_', '-').equals(key)) {
                    found = unquote(line.substring(eq + 1).strip());
                }
            }
        }
        return Optional.ofNullable(found);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
