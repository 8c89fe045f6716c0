package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's files as mariabackup 10.11 wrote them on this machine (see resources/engine/README.md). */
class EngineFilesTest {

    static Path fixture(String name) {
        try {
            return Path.of(EngineFilesTest.class.getResource("/engine/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fullBackupOfAServerWithBinlogs() throws IOException {
        EngineFiles files = EngineFiles.read(fixture("mariabackup-10.11/full"), Flavor.MARIABACKUP);

        assertEquals("full-backuped", files.checkpoints().backupType());
        assertTrue(files.checkpoints().isUnprepared());
        assertFalse(files.checkpoints().isIncremental());
        assertEquals(0L, files.checkpoints().fromLsn());
        assertEquals(44404L, files.checkpoints().toLsn());
        assertEquals(48185L, files.checkpoints().lastLsn());
        assertEquals(new Coordinates("bin.000001", 1277L, "0-7-5"), files.binlog().orElseThrow());
        assertEquals("mariabackup", files.info().toolName());
        assertEquals("10.11.19-MariaDB", files.info().toolVersion());
        assertEquals(44404L, files.info().innodbToLsn());
        assertFalse(files.info().incremental());
    }

    @Test
    void incrementalStartsWhereItsParentEnded() throws IOException {
        EngineFiles parent = EngineFiles.read(fixture("mariabackup-10.11/full"), Flavor.MARIABACKUP);
        EngineFiles inc = EngineFiles.read(fixture("mariabackup-10.11/incremental"), Flavor.MARIABACKUP);

        assertTrue(inc.checkpoints().isIncremental());
        assertEquals(parent.checkpoints().toLsn(), inc.checkpoints().fromLsn());
        assertTrue(inc.info().incremental());
        assertEquals(new Coordinates("bin.000001", 1494L, "0-7-6"), inc.binlog().orElseThrow());
    }

    @Test
    void preparedBackupIsNoLongerUnprepared() throws IOException {
        EngineFiles prepared = EngineFiles.read(fixture("mariabackup-10.11/prepared"), Flavor.MARIABACKUP);

        assertEquals("log-applied", prepared.checkpoints().backupType());
        assertFalse(prepared.checkpoints().isUnprepared());
    }

    @Test
    void mariadb111NamesAreRead() throws IOException {
        EngineFiles files = EngineFiles.read(fixture("mariadb-11.1-names"), Flavor.MARIABACKUP);

        assertEquals(44404L, files.checkpoints().toLsn());
        assertEquals("bin.000001", files.binlog().orElseThrow().binlogFile());
    }

    @Test
    void xtrabackupGtidSetSpanningLinesIsOneSet() throws IOException {
        EngineFiles files = EngineFiles.read(fixture("xtrabackup-8.0"), Flavor.XTRABACKUP);

        assertEquals(new Coordinates("binlog.000002", 1232L,
                "5f5d2b7b-1f6c-11ee-8a51-0242ac110002:1-14,9d6ff57a-1f6c-11ee-9b0d-0242ac110003:1-3"),
                files.binlog().orElseThrow());
        assertEquals(18244007L, files.checkpoints().toLsn());
        assertEquals("xtrabackup", files.info().toolName());
    }

    @Test
    void aServerWithoutBinlogsHasNoCoordinates() {
        assertTrue(BinlogInfo.parse("").isEmpty());
        assertEquals(new Coordinates("bin.000003", 4L, null), BinlogInfo.parse("bin.000003\t4\n").orElseThrow());
    }

    @Test
    void aFolderWithoutCheckpointsIsNoBackup(@TempDir Path empty) {
        IOException e = assertThrows(IOException.class, () -> EngineFiles.read(empty, Flavor.MARIABACKUP));
        assertTrue(e.getMessage().contains("xtrabackup_checkpoints"), e.getMessage());
    }

    @Test
    void garbageInNumbersIsNotANumber(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("xtrabackup_checkpoints"), "backup_type = full-backuped\nto_lsn = 12x\n");
        EngineFiles files = EngineFiles.read(dir, Flavor.MARIABACKUP);
        assertEquals(null, files.checkpoints().toLsn());
        assertTrue(files.binlog().isEmpty());
    }
}
