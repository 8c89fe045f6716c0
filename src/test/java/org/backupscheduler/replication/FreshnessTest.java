package org.backupscheduler.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The freshness gate on the states a DBA meets in SHOW SLAVE STATUS. */
class FreshnessTest {
    private static final Duration MAX_LAG = Duration.ofMinutes(5);

    private static ReplicationState state(boolean io, boolean sql, Long behind, int ioErrno, String ioError) {
        return new ReplicationState("10.0.0.1", 3306, io, sql, behind, ioErrno, ioError, 0, "",
                "mysql-bin.000042", 1234, "mysql-bin.000040", 999, "0-1-100", "Slave_Pos");
    }

    @Test
    void healthyReplicaIsFresh() {
        assertTrue(Freshness.judge(state(true, true, 0L, 0, ""), MAX_LAG).fresh());
        assertTrue(Freshness.judge(state(true, true, 300L, 0, ""), MAX_LAG).fresh());
    }

    @Test
    void error1236IsQuoted() {
        String text = "Got fatal error 1236 from master when reading data from binary log: 'Could not find GTID "
                + "state requested by slave in any binlog files. Probably the slave state is too old and "
                + "required binlog files have been purged.'";
        Freshness f = Freshness.judge(state(false, true, null, 1236, text), MAX_LAG);
        assertFalse(f.fresh());
        assertTrue(f.reason().contains("Slave_IO_Running: No"), f.reason());
        assertTrue(f.reason().contains("Last_IO_Errno 1236: " + text), f.reason());
        assertTrue(f.reason().contains("10.0.0.1:3306"), f.reason());
    }

    @Test
    void stoppedSqlThreadSaysHowFarItApplied() {
        Freshness f = Freshness.judge(state(true, false, null, 0, ""), MAX_LAG);
        assertFalse(f.fresh());
        assertTrue(f.reason().contains("Slave_SQL_Running: No"), f.reason());
        assertTrue(f.reason().contains("applied up to mysql-bin.000040:999, received up to mysql-bin.000042:1234"),
                f.reason());
    }

    @Test
    void lagAboveMaxLagIsNotFresh() {
        Freshness f = Freshness.judge(state(true, true, 301L, 0, ""), MAX_LAG);
        assertFalse(f.fresh());
        assertTrue(f.reason().contains("301s behind"), f.reason());
        assertTrue(f.reason().contains("source.max-lag 5m"), f.reason());
    }

    @Test
    void unknownLagIsNotFresh() {
        assertFalse(Freshness.judge(state(true, true, null, 0, ""), MAX_LAG).fresh());
    }
}
