package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.junit.jupiter.api.Test;

/** Which archived files replay a replica's position, and when the archive cannot. */
class ReplayPlanTest {
    private static BinlogFileRecord sealed(String name, String listStart, String last) {
        return new BinlogFileRecord("db1", name, 1L, listStart, last, last, null, null, 100, "0", Instant.EPOCH,
                Instant.EPOCH);
    }

    private static final List<BinlogFileRecord> ARCHIVE = List.of(
            sealed("b.000001", "", "0-1-10"),
            sealed("b.000002", "0-1-10", "0-1-20"),
            sealed("b.000003", "0-1-20", "0-1-30"),
            new BinlogFileRecord("db1", "b.000004", 1L, "0-1-30", "0-1-31", "0-1-33", null, null, 50, "0",
                    Instant.EPOCH, null));

    private static List<String> names(Replay.Plan p) {
        return p.files().stream().map(BinlogFileRecord::fileName).toList();
    }

    @Test
    void fromTheFileHoldingTheNextEventToTheNewestSealedOne() {
        Replay.Plan p = Replay.plan(ARCHIVE, "0-1-15");
        assertEquals(List.of("b.000002", "b.000003"), names(p), "the open file's prefix is never replayed");
        assertEquals("0-1-15", p.fromText());
        assertEquals("0-1-30", p.toText());
    }

    @Test
    void aPositionAtAFilesEndStartsWithTheNextFile() {
        assertEquals(List.of("b.000003"), names(Replay.plan(ARCHIVE, "0-1-20")));
        assertEquals(List.of(), names(Replay.plan(ARCHIVE, "0-1-30")), "nothing sealed after it");
    }

    @Test
    void anArchiveThatBeginsAfterThePositionIsRefusedNamingTheRange() {
        UserError e = assertThrows(UserError.class, () -> Replay.plan(ARCHIVE.subList(2, 4), "0-1-12"));
        assertEquals("the archive does not hold the events after 0-1-12 up to 0-1-20: its first file after that "
                + "position, b.000003, begins later", e.getMessage());
        assertEquals(UserError.FAILED, e.exitCode());
    }

    @Test
    void aGapInTheRangeIsRefused() {
        UserError e = assertThrows(UserError.class, () -> Replay.plan(List.of(ARCHIVE.get(0), ARCHIVE.get(2)),
                "0-1-5"));
        assertEquals("the archive has a gap in the range to replay: between b.000001 and b.000003: b.000002 never "
                + "archived; missing GTIDs after 0-1-10 up to 0-1-20", e.getMessage());
    }
}
