package org.backupscheduler.binlogs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real binlog files, captured from a MariaDB 10.11 sandbox (server id 7, CRC32 checksums) through
 * {@code mariadb-binlog --read-from-remote-server --raw}: three files, the second with a
 * transaction in GTID domain 3. {@code mariadb-binlog} printed what the assertions expect.
 */
class BinlogScanTest {
    private static final Path FIXTURES = Path.of("src/test/resources/binlogs");

    @TempDir
    Path tmp;

    @Test
    void theFirstFileStartsWithAnEmptyGtidListAndRotatesToTheSecond() throws IOException {
        BinlogScan scan = BinlogScan.read(FIXTURES.resolve("mysql-bin.000001"));
        assertEquals(900, scan.validLength());
        assertEquals(7, scan.serverId());
        assertEquals(List.of(), scan.gtidListAtStart());
        assertEquals(Map.of(0L, Gtid.parse("0-7-1")), scan.firstGtids());
        assertEquals(Map.of(0L, Gtid.parse("0-7-3")), scan.lastGtids());
        assertEquals("mysql-bin.000002", scan.rotatesTo());
        assertTrue(scan.closed());
    }

    @Test
    void aFileWithTwoDomainsHasFirstAndLastPerDomainAndItsEventTimes() throws IOException {
        BinlogScan scan = BinlogScan.read(FIXTURES.resolve("mysql-bin.000002"));
        assertEquals(List.of(Gtid.parse("0-7-3")), scan.gtidListAtStart());
        assertEquals(Map.of(0L, Gtid.parse("0-7-4"), 3L, Gtid.parse("3-7-1")), scan.firstGtids());
        assertEquals(Map.of(0L, Gtid.parse("0-7-5"), 3L, Gtid.parse("3-7-1")), scan.lastGtids());
        assertEquals(Map.of(0L, Gtid.parse("0-7-5"), 3L, Gtid.parse("3-7-1")), scan.stateAtEnd());
        // #261202 11:25:28 .. 11:25:43 (the rotate) in mariadb-binlog's output, UTC.
        assertEquals(Instant.parse("2026-12-02T11:25:28Z"), scan.firstEventTime());
        assertEquals(Instant.parse("2026-12-02T11:25:43Z"), scan.lastEventTime());
        assertEquals("mysql-bin.000003", scan.rotatesTo());
    }

    @Test
    void theOpenFileHasNoRotateAndAPartialEventIsLeftOut() throws IOException {
        BinlogScan whole = BinlogScan.read(FIXTURES.resolve("mysql-bin.000003"));
        assertNull(whole.rotatesTo());
        assertEquals(611, whole.validLength());
        assertEquals(List.of(Gtid.parse("0-7-5"), Gtid.parse("3-7-1")), whole.gtidListAtStart());

        // Cut inside the last event (Xid, 580..611): the scan ends where that event began.
        Path cut = tmp.resolve("mysql-bin.000003");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(FIXTURES.resolve("mysql-bin.000003")), 600));
        BinlogScan partial = BinlogScan.read(cut);
        assertEquals(580, partial.validLength());
        assertEquals(Map.of(0L, Gtid.parse("0-7-6")), partial.lastGtids());
    }

    @Test
    void theChecksumIsCrc32cOfTheCompleteEvents() throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURES.resolve("mysql-bin.000001"));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        assertEquals(String.format("%08x", crc.getValue()), BinlogScan.read(FIXTURES.resolve("mysql-bin.000001")).checksum());
    }

    @Test
    void aFileThatIsNoBinlogIsRefusedByName() throws IOException {
        Path notes = tmp.resolve("notes.txt");
        Files.writeString(notes, "hello world, not a binlog");
        IOException e = assertThrows(IOException.class, () -> BinlogScan.read(notes));
        assertEquals("notes.txt is not a binlog file: it does not begin with the binlog magic bytes fe 62 69 6e",
                e.getMessage());
    }
}
