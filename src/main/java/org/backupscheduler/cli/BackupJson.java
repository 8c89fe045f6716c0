package org.backupscheduler.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.backupscheduler.catalog.BackupRecord;

/** The JSON shape of a backup for scripts: field names are a contract (DESIGN.md, list --json). */
final class BackupJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BackupJson() {
    }

    static Map<String, Object> of(BackupRecord b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("instance", b.instance());
        m.put("type", b.type().word());
        m.put("status", b.status().name());
        m.put("started_at", iso(b.startedAt()));
        m.put("finished_at", iso(b.finishedAt()));
        m.put("size_bytes", b.sizeBytes());
        m.put("file_count", b.fileCount());
        m.put("path", b.path());
        m.put("binlog_file", b.coordinates().binlogFile());
        m.put("binlog_position", b.coordinates().binlogPosition());
        m.put("gtid", b.coordinates().gtid());
        m.put("parent_id", b.parentId());
        m.put("from_lsn", b.fromLsn());
        m.put("to_lsn", b.toLsn());
        m.put("tool", b.tool());
        m.put("tool_version", b.toolVersion());
        m.put("source", b.sourceAddress());
        m.put("source_server_id", b.sourceServerId());
        m.put("reason", b.reason());
        return m;
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String array(List<BackupRecord> backups) {
        return write(backups.stream().map(BackupJson::of).toList());
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
