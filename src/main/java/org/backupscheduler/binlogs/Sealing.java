package org.backupscheduler.binlogs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.BinlogFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a staged file into the archive. A closed file is <em>sealed</em>: stored whole, its
 * {@code .json} entry beside it, its catalog row final; only then is its {@code .partial} removed
 * and the staged copy deleted, so a crash at any step leaves it staged and the next pass seals it
 * again. The open file's complete events are stored as {@code <file>.partial}, replaced each time.
 */
final class Sealing {
    static final String PARTIAL = ".partial";
    private static final Logger log = LoggerFactory.getLogger(Sealing.class);

    private final String instance;
    private final BinlogStore store;
    private final BinlogFiles index;
    private final Clock clock;

    Sealing(String instance, BinlogStore store, BinlogFiles index, Clock clock) {
        this.instance = instance;
        this.store = store;
        this.index = index;
        this.clock = clock;
    }

    BinlogFileRecord seal(Path staged, BinlogScan scan) throws IOException {
        Instant now = clock.instant();
        BinlogFileRecord row = IndexEntry.of(instance, scan, now, now);
        store.put(scan.name(), staged, scan.validLength());
        store.put(scan.name() + IndexEntry.SUFFIX, IndexEntry.toJson(row));
        index.record(row);
        store.remove(scan.name() + PARTIAL);
        Files.delete(staged); // one file we staged ourselves, now stored whole
        log.info("binlog {} sealed: {} bytes, CRC32C {}, stored as {}", scan.name(), scan.validLength(), scan.checksum(),
                store.key(scan.name()));
        return row;
    }

    BinlogFileRecord storeOpen(Path staged, BinlogScan scan) throws IOException {
        Instant now = clock.instant();
        BinlogFileRecord row = IndexEntry.of(instance, scan, now, null);
        store.put(scan.name() + PARTIAL, staged, scan.validLength());
        index.record(row);
        log.debug("binlog {}: {} bytes of the open file stored as {}", scan.name(), scan.validLength(),
                store.key(scan.name() + PARTIAL));
        return row;
    }
}
