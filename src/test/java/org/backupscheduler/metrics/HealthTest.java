package org.backupscheduler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.backupscheduler.binlogs.BinlogStatus;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.engine.Coordinates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health with the binlog archive on: a gap fails it; an old recovery point alone does not. */
class HealthTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static void archived(Catalog catalog, String file, Instant lastEvent) {
        catalog.binlogFiles().record(new BinlogFileRecord("db1", file, 1L, "", "0-1-1", "0-1-2", lastEvent,
                lastEvent, 4096, "00000000", lastEvent, lastEvent));
    }

    private static Map<String, Object> check(Catalog catalog, boolean archiveOn) {
        return new Health(catalog.backups(), "db1", Duration.ofHours(2), CLOCK, false,
                archiveOn ? () -> BinlogStatus.read(catalog, "db1", NOW) : null).check();
    }

    @Test
    void aGapInTheArchiveFailsHealthEvenWithAFreshVerifiedBackup() {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            catalog.backups().insert(new BackupRecord("db1", "b1", BackupType.FULL, null, BackupStatus.VERIFIED,
                    NOW.minusSeconds(600), NOW.minusSeconds(500), null, null, null,
                    new Coordinates("mysql-bin.000001", 4L, null), null, "/p", null), ProcessIdentity.current());
            // Idle since yesterday: an old recovery point, but nothing lost.
            archived(catalog, "mysql-bin.000001", NOW.minus(Duration.ofDays(1)));
            archived(catalog, "mysql-bin.000002", NOW.minus(Duration.ofDays(1)));
            Map<String, Object> idle = check(catalog, true);
            assertEquals("ok", idle.get("status"), idle.toString());
            assertEquals(86_400L, ((Number) idle.get("binlog_recovery_point_seconds")).longValue());
            assertEquals(0, idle.get("binlog_gaps"));

            archived(catalog, "mysql-bin.000004", NOW.minusSeconds(5)); // 000003 never archived
            Map<String, Object> gap = check(catalog, true);
            assertEquals("failing", gap.get("status"), gap.toString());
            assertEquals(1, gap.get("binlog_gaps"));

            Map<String, Object> off = check(catalog, false);
            assertEquals("ok", off.get("status"), "with the archive off, no archive fields: " + off);
            assertFalse(off.containsKey("binlog_gaps"));
        }
    }
}
