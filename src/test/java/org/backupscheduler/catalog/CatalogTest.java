package org.backupscheduler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

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

    @Test
    void unreachableCatalogIsOneClearErrorWithoutThePassword() {
        UserError e = assertThrows(UserError.class, () -> Catalog.open(
                "jdbc:mysql://127.0.0.1:1/catalog?connectTimeout=2000", "cat", "top-secret-pw"));
        assertEquals(UserError.FAILED, e.exitCode());
        assertTrue(e.getMessage().startsWith("catalog jdbc:mysql://127.0.0.1:1/catalog"), e.getMessage());
        assertFalse(e.getMessage().contains("top-secret-pw"));
        assertTrue(e.hint().contains("nothing was backed up"), e.hint());
    }
}
