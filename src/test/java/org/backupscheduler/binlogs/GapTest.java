package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.backupscheduler.catalog.BinlogFileRecord;
import org.junit.jupiter.api.Test;

/** Gaps from the index: on the captured files (000001..000003), then on rows made by hand. */
class GapTest {
    private static final Path FIXTURES = Path.of("src/test/resources/binlogs");

    private static BinlogFileRecord row(String file) throws IOException {
        return IndexEntry.of("db1", BinlogScan.read(FIXTURES.resolve(file)), Instant.EPOCH, Instant.EPOCH);
    }

    private static BinlogFileRecord row(String file, String listStart, String last) {
        return new BinlogFileRecord("db1", file, 1L, listStart, last, last, null, null, 100, "00000000", Instant.EPOCH,
                Instant.EPOCH);
    }

    @Test
    void consecutiveCapturedFilesHaveNoGap() throws IOException {
        assertEquals(List.of(), Gap.find(List.of(row("mysql-bin.000001"), row("mysql-bin.000002"),
                row("mysql-bin.000003"))));
    }

    @Test
    void aMissingFileIsNamedWithTheEventsItHeld() throws IOException {
        List<Gap> gaps = Gap.find(List.of(row("mysql-bin.000001"), row("mysql-bin.000003")));
        assertEquals(1, gaps.size());
        assertEquals("between mysql-bin.000001 and mysql-bin.000003: mysql-bin.000002 never archived; "
                + "missing GTIDs after 0-7-3 up to 0-7-5, domain 3 up to 3-7-1", gaps.get(0).describe());
    }

    @Test
    void aSequenceBreakWithoutAMissingFileIsAGapToo() {
        // The server kept its numbering but events were written elsewhere (a binlog removed and
        // the index edited, or a failover to a server with other history).
        Gap g = Gap.between(row("b.000007", "0-1-10", "0-1-20"), row("b.000008", "0-1-25", "0-1-30"));
        assertEquals("between b.000007 and b.000008: missing GTIDs after 0-1-20 up to 0-1-25", g.describe());
    }

    @Test
    void severalMissingFilesAreGivenAsARange() {
        assertEquals(List.of("b.000004", "b.000009"), Gap.missingFiles("b.000003", "b.000010"));
        assertEquals(List.of(), Gap.missingFiles("b.000003", "b.000004"));
        assertEquals("b.000010", Gap.next("b.000009"));
    }
}
