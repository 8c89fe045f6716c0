package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositorySpaceTest {
    @TempDir
    Path datadir;

    private void file(String name, int bytes) throws IOException {
        Path p = datadir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
    }

    @Test
    void theEstimateCountsWhatTheEngineCopiesNotTheRedoLogTemporarySpaceOrBinlogs() throws IOException {
        file("ibdata1", 1000);
        file("aria_log.00000001", 100);
        file("aria_log_control", 10);
        file("mysql/user.frm", 1);
        file("shop/orders.ibd", 500);
        file("shop/audit.000001", 7); // a table's own files are never taken for a binlog
        // not copied: the redo log (only what is written while the engine runs), the temporary
        // tablespace, binlogs and relay logs, the server's pid, error log and socket
        file("ib_logfile0", 64000);
        file("ibtmp1", 12000);
        file("mysql-bin.000001", 9000);
        file("mysql-bin.index", 30);
        file("relay-bin.000002", 900);
        file("host.pid", 5);
        file("host.err", 50);
        assertEquals(1618, RepositorySpace.copiedBytes(datadir));
        assertEquals(-1, RepositorySpace.copiedBytes(datadir.resolve("not-here")));
    }

    @Test
    void aFullDiskIsRecognisedInTheWordsOfTheEngineZstdH2AndJava() {
        assertTrue(RepositorySpace.saysFull("mariabackup: Error writing file '/r/ibdata1' (errno: 28 \"No space left "
                + "on device\")"));
        assertTrue(RepositorySpace.saysFull("zstd: error 70 : Write error : cannot write block : No space left on device"));
        assertTrue(RepositorySpace.saysFull("InnoDB: Error number 28 means 'No space left on device'"));
        assertTrue(RepositorySpace.saysFull(new IOException("update", new java.nio.file.FileSystemException(
                "/r/db1/x/manifest.json: No space left on device"))));
        assertFalse(RepositorySpace.saysFull("Access denied for user 'backup'@'localhost' (errno: 1045)"));
        assertFalse(RepositorySpace.saysFull("Got error 280 from storage engine"));
    }
}
