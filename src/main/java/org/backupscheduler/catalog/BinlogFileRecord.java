package org.backupscheduler.catalog;

import java.time.Instant;

/**
 * One row of {@code binlog_files}: an archived binlog file (sealed) or the prefix of the open one
 * ({@code sealedAt} null). GTID lists are kept as the server spells them ("0-1-5,3-1-2").
 */
public record BinlogFileRecord(String instance, String fileName, Long serverId, String gtidListStart,
                               String firstGtids, String lastGtids, Instant firstEventAt, Instant lastEventAt,
                               long sizeBytes, String checksum, Instant archivedAt, Instant sealedAt) {

    public boolean sealed() {
        return sealedAt != null;
    }
}
