package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.catalog.VerificationRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's catalog-fed sections read what the lock policy and the restore drills record. */
class LockActionsSourceTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void lockActionsSayNoDataUntilRecordedThenListThem(@TempDir Path dir) {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            LockActionsSource source = new LockActionsSource(catalog);
            assertFalse(source.read("db1", NOW.minusSeconds(86400), NOW).recorded());

            catalog.backups().lockActions().record(new LockActions.Row("db1", NOW.minusSeconds(60), 42, "20261124-095900F",
                    "maint", "10.0.0.9:5000", "shop", "Query", "Updating", 600, "UPDATE shop.audit SET x = 1",
                    "12,13", "kill-blocker: 2 session(s) waiting", "KILL", "killed"));
            catalog.backups().lockActions().record(new LockActions.Row("db1", NOW.minusSeconds(2 * 86400), 7, null, "old",
                    "h", null, "Query", "", 1, null, "", "print: would KILL", "PRINT", "printed"));

            SectionData d = source.read("db1", NOW.minusSeconds(86400), NOW);
            assertTrue(d.recorded());
            assertEquals("1 decision(s) in the window, 1 kill(s)", d.summary());
            assertTrue(d.lines().get(0).contains("KILL session 42 (maint, 600s) -> killed"), d.lines().toString());
        }
    }

    @Test
    void restoreDrillsComeFromDeepVerifications(@TempDir Path dir) {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            catalog.backups().verifications().record(new VerificationRecord("db1", "b1", "prepare",
                    NOW.minusSeconds(300), Duration.ofSeconds(2), true, null));
            catalog.backups().verifications().record(new VerificationRecord("db1", "b1", "deep",
                    NOW.minusSeconds(200), Duration.ofSeconds(95), true, null));
            catalog.backups().verifications().record(new VerificationRecord("db1", "b2", "deep",
                    NOW.minusSeconds(100), Duration.ofSeconds(80), false, "CHECK TABLE shop.orders: error: corrupt"));

            SectionData d = new RestoreDrillsSource(catalog).read("db1", NOW.minusSeconds(86400), NOW);
            assertEquals("2 drill(s) in the window, 1 passed", d.summary());
            assertTrue(d.lines().get(0).contains("b2  FAILED"), d.lines().toString());
            assertTrue(d.lines().get(0).contains("CHECK TABLE shop.orders"), d.lines().toString());
        }
    }
}
