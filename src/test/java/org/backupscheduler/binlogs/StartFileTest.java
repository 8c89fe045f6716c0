package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.backupscheduler.catalog.BinlogFileRecord;
import org.junit.jupiter.api.Test;

/** Where archiving resumes, from the index and SHOW BINARY LOGS. */
class StartFileTest {
    private static BinlogFileRecord row(String name, boolean sealed) {
        return new BinlogFileRecord("db1", name, 1L, "", "", "", null, null, 10, "0", Instant.EPOCH,
                sealed ? Instant.EPOCH : null);
    }

    @Test
    void anEmptyArchiveStartsAtTheServersOldestFile() {
        assertEquals("b.000003", StartFile.choose(List.of(), List.of("b.000003", "b.000004")));
    }

    @Test
    void theFileAfterTheNewestSealedOne() {
        assertEquals("b.000005", StartFile.choose(List.of(row("b.000004", true), row("b.000005", false)),
                List.of("b.000003", "b.000004", "b.000005", "b.000006")));
    }

    @Test
    void anOpenFileNothingBeforeWasSealedFromIsReadAgainFromItsStart() {
        assertEquals("b.000001", StartFile.choose(List.of(row("b.000001", false)), List.of("b.000001", "b.000002")));
    }

    @Test
    void aPurgedNextFileResumesAtTheServersOldestLaterOne() {
        assertEquals("b.000009", StartFile.choose(List.of(row("b.000004", true)), List.of("b.000009", "b.000010")));
        assertEquals("b.000009", StartFile.choose(List.of(row("b.000001", false)), List.of("b.000009")));
    }
}
