package org.backupscheduler.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What still needs a lock after leaving mysqlhotcopy: mariabackup copies InnoDB without
 * blocking, but every other engine is copied under BACKUP STAGE BLOCK_DDL / a read lock, so
 * its size divided by the copy rate is the time writers to it will wait, on every backup.
 */
public final class Readiness {
    /** System schemas are the server's own (mysql uses Aria) and cannot be converted. */
    private static final String SQL = "SELECT table_schema, table_name, engine, "
            + "COALESCE(data_length, 0) + COALESCE(index_length, 0) FROM information_schema.tables "
            + "WHERE table_type = 'BASE TABLE' AND engine IS NOT NULL AND engine <> 'InnoDB' "
            + "AND table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') "
            + "ORDER BY 4 DESC, 1, 2";
    private static final long MEASURE_BYTES = 256L << 20;

    private Readiness() {
    }

    /** The source's non-InnoDB tables, largest first. */
    public static List<NonInnodbTable> nonInnodbTables(Connection c) throws SQLException {
        List<NonInnodbTable> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SQL); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(new NonInnodbTable(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
        }
        return tables;
    }

    /**
     * information_schema lists only the tables the user holds a privilege on; without a global
     * SELECT the list above may be incomplete, and an empty one proves nothing.
     */
    public static boolean seesEveryTable(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.user_privileges "
                + "WHERE privilege_type = 'SELECT'"); ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    /** A copy rate and where it came from, printed beside every lock time. */
    public record CopyRate(double bytesPerSecond, String source) {
        public Duration lockTime(long bytes) {
            return Duration.ofMillis((long) Math.ceil(bytes * 1000.0 / bytesPerSecond));
        }
    }

    /**
     * Reads up to 256 MiB of the datadir's files and times it. Files just written may come from
     * the page cache, which makes the rate optimistic: the source text says so.
     */
    public static CopyRate measure(Path datadir) throws IOException {
        byte[] buffer = new byte[1 << 20];
        long read = 0;
        long start = System.nanoTime();
        try (Stream<Path> files = Files.walk(datadir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                try (InputStream in = Files.newInputStream(f)) {
                    int n;
                    while (read < MEASURE_BYTES && (n = in.read(buffer)) > 0) {
                        read += n;
                    }
                } catch (IOException unreadable) {
                    // a file the server holds exclusively or we may not read: skip it
                }
                if (read >= MEASURE_BYTES) {
                    break;
                }
            }
        }
        double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
        if (read < (1 << 20)) {
            throw new IOException("only " + read + " bytes of " + datadir + " readable, too few to measure");
        }
        return new CopyRate(read / seconds, String.format("measured: read %d MiB of %s in %.2f s "
                + "(the page cache can make this optimistic)", read >> 20, datadir, seconds));
    }
}
