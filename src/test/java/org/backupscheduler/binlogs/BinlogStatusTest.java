package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * An instance with no binlog archive (binlogs off) has no recoverable window, and its VERIFIED
 * backups are not read to find one: the report read all of them (10,000 per instance at fleet
 * scale, docs/benchmarks.md) for every instance of a --config-dir report.
 */
class BinlogStatusTest {
    @Test
    void noArchiveReadsNoBackups() {
        assertNull(BinlogStatus.window(() -> {
            throw new AssertionError("the VERIFIED backups were read for an instance without an archive");
        }, List.of(), List.of(), null));
        assertNull(BinlogStatus.window(() -> {
            throw new AssertionError("read with no archived event");
        }, List.of(), List.of(), Instant.now()));
    }
}
