package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A target as mariadb-binlog and the restores table (until_time VARCHAR(32)) take it. */
class RecoveryTargetTest {
    private static final LocalDateTime T = LocalDateTime.of(2026, 11, 24, 14, 2, 59);

    @Test
    void aTimeStopsBeforeItAndFitsTheCatalogWhateverTheZoneName() {
        RecoveryTarget t = new RecoveryTarget(T, null);
        assertEquals(List.of("--stop-datetime=2026-11-24 14:02:59"), t.stopOptions());
        // describe() adds the zone (America/Argentina/Buenos_Aires would not fit 32 characters).
        assertEquals("2026-11-24 14:02:59", t.catalogText());
    }

    @Test
    void aGtidIncludesItsTransactionAndALongListIsCutForTheCatalog() {
        RecoveryTarget t = new RecoveryTarget(null, "0-1-98764,1-2-100,2-3-400,3-4-5000");
        assertEquals(List.of("--stop-position=0-1-98764,1-2-100,2-3-400,3-4-5000"), t.stopOptions());
        assertEquals("0-1-98764,1-2-100,2-3-400,3-4...", t.catalogText());
        assertEquals(32, t.catalogText().length());
        assertEquals("0-1-98764", new RecoveryTarget(null, "0-1-98764").catalogText());
    }

    @Test
    void noTargetIsTheBackupAsItIs() {
        assertEquals(List.of(), RecoveryTarget.NONE.stopOptions());
        assertEquals(null, RecoveryTarget.NONE.catalogText());
        assertEquals("the end of the backup", RecoveryTarget.NONE.describe());
    }
}
