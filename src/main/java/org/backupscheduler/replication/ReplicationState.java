package org.backupscheduler.replication;

/**
 * One replica's replication, as {@code SHOW SLAVE STATUS} reports it. {@code secondsBehind} is
 * null when the server cannot say (the SQL thread is stopped, or the IO thread is not connected).
 */
public record ReplicationState(String primaryHost, int primaryPort, boolean ioRunning, boolean sqlRunning,
                               Long secondsBehind, int lastIoErrno, String lastIoError, int lastSqlErrno,
                               String lastSqlError, String primaryLogFile, long readPosition,
                               String executedLogFile, long executedPosition, String gtidIoPos, String usingGtid) {

    public String primaryAddress() {
        return primaryHost + ":" + primaryPort;
    }

    /** Both threads running: the only state in which the replica keeps up by itself. */
    public boolean running() {
        return ioRunning && sqlRunning;
    }

    /** What a DBA reads in SHOW SLAVE STATUS, in one line. */
    public String describe() {
        return "Slave_IO_Running: " + yesNo(ioRunning) + ", Slave_SQL_Running: " + yesNo(sqlRunning)
                + ", Seconds_Behind_Master: " + (secondsBehind == null ? "NULL" : secondsBehind);
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String yesNo(boolean b) {
        return b ? "Yes" : "No";
    }
}
