package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** {@code xtrabackup_slave_info}: the primary's coordinates in a replica's backup. */
class SlaveInfoTest {
    @Test
    void mariabackupGtidReplica() throws IOException {
        EngineFiles files = EngineFiles.read(EngineFilesTest.fixture("mariabackup-10.11/replica-gtid"),
                Flavor.MARIABACKUP);
        assertEquals(new Coordinates(null, null, "0-1-5"), files.primary().orElseThrow());
        // The replica's own binlog (log-slave-updates) is a different thing, kept apart.
        assertEquals(new Coordinates("mysql-bin.000001", 1162L, "0-1-5"), files.binlog().orElseThrow());
    }

    @Test
    void mariabackupFilePositionReplica() throws IOException {
        EngineFiles files = EngineFiles.read(EngineFilesTest.fixture("mariabackup-10.11/replica-filepos"),
                Flavor.MARIABACKUP);
        assertEquals(new Coordinates("mysql-bin.000001", 1162L, null), files.primary().orElseThrow());
    }

    @Test
    void aPrimarysBackupHasNoPrimaryCoordinates() throws IOException {
        EngineFiles files = EngineFiles.read(EngineFilesTest.fixture("mariabackup-10.11/full"), Flavor.MARIABACKUP);
        assertTrue(files.primary().isEmpty());
    }

    @Test
    void perconaForms() {
        assertEquals(new Coordinates(null, null, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"),
                SlaveInfo.parse("SET GLOBAL gtid_purged='3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5';\n"
                        + "CHANGE MASTER TO MASTER_AUTO_POSITION=1;\n").orElseThrow());
        assertEquals(new Coordinates("binlog.000007", 4711L, null),
                SlaveInfo.parse("CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000007', SOURCE_LOG_POS=4711;")
                        .orElseThrow());
        assertTrue(SlaveInfo.parse("").isEmpty());
    }
}
