package org.backupscheduler.binlogs;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.backupscheduler.catalog.BinlogFileRecord;

/**
 * A file's index entry: the catalog row, and the same facts as {@code <file>.json} beside the file
 * in the store, so that the index can be rebuilt from the repository alone.
 */
final class IndexEntry {
    static final String SUFFIX = ".json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private IndexEntry() {
    }

    static BinlogFileRecord of(String instance, BinlogScan scan, Instant archivedAt, Instant sealedAt) {
        return new BinlogFileRecord(instance, scan.name(), scan.serverId(), Gtid.format(scan.gtidListAtStart()),
                Gtid.format(scan.firstGtids().values()), Gtid.format(scan.lastGtids().values()),
                scan.firstEventTime(), scan.lastEventTime(), scan.validLength(), scan.checksum(), archivedAt, sealedAt);
    }

    static byte[] toJson(BinlogFileRecord r) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.fileName());
        m.put("server_id", r.serverId());
        m.put("gtid_list_start", r.gtidListStart());
        m.put("first_gtids", r.firstGtids());
        m.put("last_gtids", r.lastGtids());
        m.put("first_event_at", text(r.firstEventAt()));
        m.put("last_event_at", text(r.lastEventAt()));
        m.put("size_bytes", r.sizeBytes());
        m.put("checksum", r.checksum());
        m.put("checksum_algorithm", "CRC32C");
        m.put("archived_at", text(r.archivedAt()));
        m.put("sealed_at", text(r.sealedAt()));
        return JSON.writeValueAsBytes(m);
    }

    static BinlogFileRecord fromJson(String instance, byte[] json) throws IOException {
        Map<?, ?> m = JSON.readValue(json, Map.class);
        Number serverId = (Number) m.get("server_id");
        return new BinlogFileRecord(instance, (String) m.get("file"), serverId == null ? null : serverId.longValue(),
                (String) m.get("gtid_list_start"), (String) m.get("first_gtids"), (String) m.get("last_gtids"),
                time(m.get("first_event_at")), time(m.get("last_event_at")), ((Number) m.get("size_bytes")).longValue(),
                (String) m.get("checksum"), time(m.get("archived_at")), time(m.get("sealed_at")));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Instant time(Object value) {
        return value == null ? null : Instant.parse((String) value);
    }
}
