package org.backupscheduler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.stream.Stream;

import org.backupscheduler.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: an H2 file under the repository. */
class CatalogTest {
    @Test
    void migrationsAndLifecycleOnH2(@TempDir Path dir) {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            assertTrue(catalog.isEmbedded());
            CatalogContract.check(catalog);
        }
        // Reopening migrates nothing twice and keeps the rows.
        try (Catalog again = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            assertEquals(2, again.backups().list("db1", 10, 0).size());
        }
    }

    /**
     * A page of the newest backups and the newest of a status are read from the head of their
     * index, not by sorting every row of the instance: H2 uses an index for the order only when
     * the ORDER BY names its columns from the first (the instance), which the queries once did not.
     */
    @Test
    void newestFirstReadsTheIndexInItsOrder(@TempDir Path dir) throws SQLException {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null);
             Connection c = catalog.connection()) {
            for (String sql : java.util.List.of(Backups.LIST, Backups.NEWEST)) {
                try (java.sql.PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                    ps.setString(1, "db1");
                    if (sql.equals(Backups.LIST)) {
                        ps.setLong(2, 50);
                        ps.setLong(3, 0);
                    } else {
                        ps.setString(2, "VERIFIED");
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        String plan = rs.getString(1);
                        assertTrue(plan.contains("/* index sorted */"), plan);
                        assertTrue(plan.contains(sql.equals(Backups.LIST) ? "BACKUPS_NEWEST:"
                                : "BACKUPS_NEWEST_BY_STATUS:"), plan);
                    }
                }
            }
        }
    }

    @Test
    void unreachableCatalogIsOneClearErrorWithoutThePassword() {
        UserError e = assertThrows(UserError.class, () -> Catalog.open(
                "jdbc:mysql://127.0.0.1:1/catalog?connectTimeout=2000", "cat", "top-secret-pw"));
        assertEquals(UserError.FAILED, e.exitCode());
        assertTrue(e.getMessage().startsWith("catalog jdbc:mysql://127.0.0.1:1/catalog"), e.getMessage());
        assertFalse(e.getMessage().contains("top-secret-pw"));
        assertTrue(e.hint().contains("nothing was backed up"), e.hint());
    }

    @Test
    void aNewMigrationRunsOnACatalogThatWasCurrent(@TempDir Path dir) throws Exception {
        Path migrations = shippedMigrationsCopy(dir);
        String url = "jdbc:h2:file:" + dir.resolve("catalog");
        Catalog.open(url, null, null, new Properties(), "filesystem:" + migrations).close();
        // The next release ships one more migration: opening the catalog must apply it.
        Files.writeString(migrations.resolve("V999__probe.sql"), "CREATE TABLE probe_rows (id INT PRIMARY KEY);\n");
        try (Catalog catalog = Catalog.open(url, null, null, new Properties(), "filesystem:" + migrations);
             Connection c = catalog.connection(); Statement s = c.createStatement()) {
            assertEquals(0, count(s, "SELECT COUNT(*) FROM probe_rows"));
            assertEquals(1, count(s, "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '999'"));
        }
    }

    @Test
    void aCurrentSchemaIsNotValidatedAgainButAChangedOneIs(@TempDir Path dir) throws Exception {
        Path migrations = shippedMigrationsCopy(dir);
        String url = "jdbc:h2:file:" + dir.resolve("catalog");
        try (Catalog catalog = Catalog.open(url, null, null, new Properties(), "filesystem:" + migrations);
             Connection c = catalog.connection(); Statement s = c.createStatement()) {
            // A checksum Flyway's validation rejects ("Migration checksum mismatch").
            s.executeUpdate("UPDATE \"flyway_schema_history\" SET \"checksum\" = 42 WHERE \"version\" = '1'");
        }
        // Same versions shipped as applied: Flyway is not run, so its validation cannot object.
        Catalog.open(url, null, null, new Properties(), "filesystem:" + migrations).close();
        // One more version shipped: Flyway runs, validates, and says what is wrong.
        Files.writeString(migrations.resolve("V999__probe.sql"), "CREATE TABLE probe_rows (id INT PRIMARY KEY);\n");
        UserError e = assertThrows(UserError.class,
                () -> Catalog.open(url, null, null, new Properties(), "filesystem:" + migrations));
        assertTrue(e.getMessage().contains("Validate failed"), e.getMessage());
    }

    private static Path shippedMigrationsCopy(Path dir) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("migrations"));
        try (Stream<Path> files = Files.list(Path.of("migrations"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static int count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
