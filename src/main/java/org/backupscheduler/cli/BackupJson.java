package org.backupscheduler.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.SourceState;

/** The JSON shape of a backup for scripts: field names are a contract (DESIGN.md, list --json). */
final class BackupJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BackupJson() {
    }

    /** A backup with where it was taken: a replica's lag then, and its primary's coordinates. */
    static Map<String, Object> of(BackupRecord b, Optional<SourceState> source) {
        Map<String, Object> m = of(b);
        SourceState s = source.orElse(null);
        m.put("source_role", s == null ? null : s.role());
        m.put("replica_lag_seconds", s == null ? null : s.lagSeconds());
        m.put("replication", s == null ? null : s.replication());
        m.put("primary_address", s == null ? null : s.primaryAddress());
        m.put("primary_binlog_file", s == null ? null : s.primary().binlogFile());
        m.put("primary_binlog_position", s == null ? null : s.primary().binlogPosition());
        m.put("primary_gtid", s == null ? null : s.primary().gtid());
        return m;
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

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
