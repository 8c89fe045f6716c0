package org.backupscheduler.binlogs;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.BinlogFiles;

/**
 * Rebuilds the catalog's index of the archive from the {@code <file>.json} entries in the store
 * (after the catalog was lost): the store is the truth, the catalog its index.
 */
public final class BinlogIndex {
    private BinlogIndex() {
    }

    /** Adds the sealed files the catalog does not know (or knows only as open); returns how many. */
    public static int rebuild(BinlogStore store, BinlogFiles index, String instance) throws IOException {
        Map<String, BinlogFileRecord> known = new HashMap<>();
        index.list(instance).forEach(r -> known.put(r.fileName(), r));
        int added = 0;
        for (String name : store.names()) {
            if (!name.endsWith(IndexEntry.SUFFIX)) {
                continue;
            }
            BinlogFileRecord entry = IndexEntry.fromJson(instance,
                    store.read(name).orElseThrow(() -> new IOException(store.key(name) + " vanished while read")));
            BinlogFileRecord row = known.get(entry.fileName());
            if (row == null || !row.sealed() && entry.sealed()) {
                index.record(entry);
                added++;
            }
        }
        return added;
    }
}
