package org.backupscheduler.catalog;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether Flyway has anything to do: the versions shipped (the {@code V<n>__*.sql} names of the
 * migration location) against the versions the catalog's {@code flyway_schema_history} records as
 * applied. Equal sets, no failed row: the schema is current, and opening the catalog skips
 * Flyway's scan, validation and migrate (about half a second of every command's start). Any
 * difference, or anything this cannot read, leaves the decision to Flyway.
 */
final class SchemaVersions {
    private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9._]*)__.*\\.sql");

    private SchemaVersions() {
    }

    /** True when every shipped migration is applied, nothing else is, and none failed. */
    static boolean current(Connection c, boolean h2, String location) {
        Set<String> shipped = shipped(location);
        if (shipped.isEmpty()) {
            return false;
        }
        Set<String> applied = new TreeSet<>();
        // Flyway quotes its H2 history table's names (lowercase); MySQL/MariaDB names are not case-folded.
        String sql = h2 ? "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL"
                : "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return false; // a failed migration: Flyway says what to do about it
                }
                applied.add(normalize(rs.getString(1)));
            }
        } catch (SQLException e) {
            return false; // a new catalog (no history table yet): Flyway creates it
        }
        return applied.equals(shipped);
    }

    /** The versions in {@code location} ({@code classpath:...} or {@code filesystem:...}), "1.2" style. */
    static Set<String> shipped(String location) {
        List<String> names = new ArrayList<>();
        try {
            if (location.startsWith("filesystem:")) {
                listFolder(Path.of(location.substring("filesystem:".length())), names);
            } else {
                String folder = location.substring("classpath:".length());
                ClassLoader loader = SchemaVersions.class.getClassLoader();
                for (Enumeration<URL> urls = loader.getResources(folder); urls.hasMoreElements(); ) {
                    listUrl(urls.nextElement(), folder, names);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Set.of(); // cannot tell: let Flyway look
        }
        Set<String> versions = new TreeSet<>();
        for (String name : names) {
            Matcher m = VERSIONED.matcher(name);
            if (m.matches()) {
                versions.add(normalize(m.group(1)));
            }
        }
        return versions;
    }

    private static void listUrl(URL url, String folder, List<String> names) throws IOException, URISyntaxException {
        if (url.getProtocol().equals("file")) {
            listFolder(Path.of(url.toURI()), names);
        } else if (url.getProtocol().equals("jar")) {
            // Our own jar, opened once more (not the class loader's cached copy, which must stay open).
            Path jarPath = Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
            String prefix = folder.endsWith("/") ? folder : folder + "/";
            try (JarFile jar = new JarFile(jarPath.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                        names.add(name.substring(prefix.length()));
                    }
                }
            }
        } else {
            throw new IOException("cannot list " + url);
        }
    }

    private static void listFolder(Path dir, List<String> names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
    }

    /** "1_2" and "1.2" are one version to Flyway; leading zeros of a part do not count. */
    private static String normalize(String version) {
        String[] parts = version.replace('_', '.').split("\\.");
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(p.replaceFirst("^0+(?=\\d)", ""));
        }
        return b.toString();
    }
}
