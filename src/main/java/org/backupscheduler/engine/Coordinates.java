package org.backupscheduler.engine;

/** A binlog position a backup is consistent with: file and offset, and the GTID state when known. */
public record Coordinates(String binlogFile, Long binlogPosition, String gtid) {
    public static final Coordinates NONE = new Coordinates(null, null, null);

    public boolean isKnown() {
        return binlogFile != null || gtid != null && !gtid.isEmpty();
    }

    @Override
    public String toString() {
        if (!isKnown()) {
            return "-";
        }
        String pos = binlogFile == null ? "" : binlogFile + ":" + binlogPosition;
        return gtid == null || gtid.isEmpty() ? pos : pos + " gtid " + gtid;
    }
}
