package org.backupscheduler.replication;

import java.time.Duration;

import org.backupscheduler.config.Durations;

/**
 * The freshness gate: may a backup of this replica be trusted to hold current data? The field
 * report's replica had been failing with error 1236 for a day; a backup of it "succeeded".
 */
public record Freshness(boolean fresh, String reason) {

    public static Freshness judge(ReplicationState s, Duration maxLag) {
        if (!s.ioRunning() || !s.sqlRunning()) {
            StringBuilder why = new StringBuilder("replica is not replicating from " + s.primaryAddress() + " ("
                    + s.describe() + ")");
            if (s.lastIoErrno() != 0) {
                why.append("; Last_IO_Errno ").append(s.lastIoErrno()).append(": ").append(s.lastIoError());
            }
            if (s.lastSqlErrno() != 0) {
                why.append("; Last_SQL_Errno ").append(s.lastSqlErrno()).append(": ").append(s.lastSqlError());
            }
            if (!s.sqlRunning() && s.lastSqlErrno() == 0) {
                why.append("; applied up to ").append(s.executedLogFile()).append(':').append(s.executedPosition())
                        .append(", received up to ").append(s.primaryLogFile()).append(':').append(s.readPosition());
            }
            return new Freshness(false, why.toString());
        }
        if (s.secondsBehind() == null) {
            return new Freshness(false, "replica cannot say how far behind it is (" + s.describe() + ")");
        }
        if (s.secondsBehind() > maxLag.toSeconds()) {
            return new Freshness(false, "replica is " + s.secondsBehind() + "s behind its primary "
                    + s.primaryAddress() + ", more than source.max-lag " + Durations.format(maxLag));
        }
        return new Freshness(true, null);
    }
}
