package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.backupscheduler.UserError;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The catalog database: an index of the repository, migrated by Flyway on open. Embedded H2 by
 * default; MySQL/MariaDB for clustered mode. Work is done in short transactions on short-lived
 * connections, because an H2 file shared by two processes breaks long ones (DESIGN.md, facts).
 */
public final class Catalog implements AutoCloseable {
    static {
        EmbeddedH2.bindLoopback();
    }

    private final String url;
    private final Properties credentials;
    /** Keeps an embedded H2 database open between short connections; null for server catalogs. */
    private final Connection keeper;

    private Catalog(String url, Properties credentials, Connection keeper) {
        this.url = url;
        this.credentials = credentials;
        this.keeper = keeper;
    }

    /** Opens the catalog at {@code url}, creating and migrating its schema when needed. */
    public static Catalog open(String url, String user, String password) {
        return open(url, user, password, new Properties());
    }

    /**
     * As {@link #open(String, String, String)}, with Connector/J properties for a server catalog
     * ({@code catalog.tls}, from server.ServerConnections#tlsProperties); an H2 file takes none.
     */
    public static Catalog open(String url, String user, String password, Properties serverProperties) {
        return open(url, user, password, serverProperties, MIGRATIONS);
    }

    /** The migrations shipped in the jar (the top-level migrations/ folder). */
    static final String MIGRATIONS = "classpath:db/migration";

    /** As above, with the migrations at {@code location} (tests add one of their own). */
    static Catalog open(String url, String user, String password, Properties serverProperties, String location) {
        String effective = effectiveUrl(url);
        if (isH2(url)) {
            EmbeddedH2.checkLoopbackListener();
        }
        // An H2 file with no account configured (the default catalog) keeps its own password.
        EmbeddedH2 embedded = (user == null || user.equalsIgnoreCase("sa")) && (password == null || password.isEmpty())
                ? EmbeddedH2.of(url) : null;
        Properties credentials = embedded != null ? embedded.credentials() : new Properties();
        if (embedded == null) {
            if (!isH2(url)) {
                credentials.putAll(serverProperties);
            }
            credentials.setProperty("user", user == null ? (isH2(url) ? "sa" : "root") : user);
            credentials.setProperty("password", password == null ? "" : password);
        }
        for (int attempt = 1; ; attempt++) {
            Connection keeper = null;
            try {
                // The keeper opens before Flyway: were it opened after, the file would close between
                // the two and a `backup list` started then would become its AUTO_SERVER owner, and our
                // connections would break when that short process exits.
                keeper = embedded != null ? embedded.connect(effective, credentials)
                        : isH2(url) ? DriverManager.getConnection(effective, credentials) : null;
                // Flyway's scan, validation and migrate cost every command about half a second; a
                // catalog whose history already holds exactly the shipped versions needs none of it.
                if (!schemaCurrent(effective, credentials, keeper, isH2(url), location)) {
                    Flyway.configure()
                            .jdbcProperties(jdbcProperties(credentials))
                            .dataSource(effective, credentials.getProperty("user"), credentials.getProperty("password"))
                            .locations(location)
                            .load()
                            .migrate();
                }
                return new Catalog(effective, credentials, keeper);
            } catch (FlywayException | SQLException e) {
                closeQuietly(keeper);
                // An H2 file another process has just opened or closed (a `backup list` beside the
                // daemon) is refused for a second or two: wait it out instead of failing.
                if (isH2(url) && attempt < H2_BUSY_ATTEMPTS && isH2Busy(rootMessage(e))) {
                    sleep(500);
                    continue;
                }
                throw new UserError("catalog " + redact(url) + " cannot be opened: " + rootMessage(e),
                        "check catalog.url and that the catalog database is reachable; nothing was backed up",
                        UserError.FAILED, e);
            }
        }
    }

    private static final int H2_BUSY_ATTEMPTS = 20;

    private static boolean schemaCurrent(String url, Properties credentials, Connection keeper, boolean h2,
                                         String location) throws SQLException {
        if (keeper != null) {
            return SchemaVersions.current(keeper, h2, location);
        }
        try (Connection c = DriverManager.getConnection(url, credentials)) {
            return SchemaVersions.current(c, h2, location);
        }
    }

    /** What Flyway passes to the driver besides user and password (TLS of a server catalog). */
    private static Map<String, String> jdbcProperties(Properties credentials) {
        Map<String, String> props = new HashMap<>();
        credentials.stringPropertyNames().stream().filter(k -> !k.equals("user") && !k.equals("password"))
                .forEach(k -> props.put(k, credentials.getProperty(k)));
        return props;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a connection that failed to open the catalog holds nothing to save
            }
        }
    }

    private static boolean isH2Busy(String message) {
        // "Connection refused": the H2 file's lock names the AUTO_SERVER port of a process that is
        // just starting or stopping its server.
        return message.contains("Lock file recently modified") || message.contains("Database may be already in use")
                || message.contains("Connection refused") || message.contains("Another process was faster")
                || message.contains("90020") || message.contains("90067");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Two processes (a cron run beside the daemon) may open one H2 file: AUTO_SERVER lets the
     * second connect through the first instead of failing with "already in use". Its listener is
     * bound to loopback ({@link EmbeddedH2}).
     */
    static String effectiveUrl(String url) {
        if (isH2(url) && url.startsWith("jdbc:h2:file:") && !url.toUpperCase().contains("AUTO_SERVER")) {
            return url + ";AUTO_SERVER=TRUE";
        }
        return url;
    }

    private static boolean isH2(String url) {
        return url.startsWith("jdbc:h2:");
    }

    public boolean isEmbedded() {
        return keeper != null;
    }

    /** A new connection; the caller closes it after one short unit of work. */
    public Connection connection() throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return DriverManager.getConnection(url, credentials);
            } catch (SQLException e) {
                // An H2 file whose AUTO_SERVER owner (another process) just exited: the next try
                // opens it here. A server catalog fails at once; its pool of retries is the caller's.
                if (keeper == null || attempt >= H2_BUSY_ATTEMPTS || !isH2Busy(rootMessage(e))) {
                    throw e;
                }
                sleep(250);
            }
        }
    }

    public Backups backups() {
        return new Backups(this);
    }

    public BackupSources sources() {
        return new BackupSources(this);
    }

    /** The binlog archive's index. */
    public BinlogFiles binlogFiles() {
        return new BinlogFiles(this);
    }

    public String url() {
        return redact(url);
    }

    /** URLs may carry a password parameter; never print it. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage().lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        if (keeper != null) {
            try {
                keeper.close();
            } catch (SQLException ignored) {
                // closing an embedded catalog cannot lose data: every unit of work was committed
            }
        }
    }
}
