package org.backupscheduler.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.backupscheduler.catalog.BackupRecord;

/** The report for monitoring scripts. The field names are a contract: docs/report.md, schema_version 1. */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static Map<String, Object> tree(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", 1);
        m.put("instance", r.instance());
        m.put("generated_at", iso(r.generatedAt()));
        m.put("days", r.days());
        m.put("exit_code", r.exitCode());
        m.put("findings", r.findings());
        Map<String, Object> rpo = new LinkedHashMap<>();
        rpo.put("schedule", r.schedule().expression());
        rpo.put("time_zone", r.schedule().zone().getId());
        rpo.put("allowed_age_seconds", r.allowedAge().toSeconds());
        BackupRecord v = r.newestVerified();
        rpo.put("newest_verified_id", v == null ? null : v.id());
        rpo.put("newest_verified_started_at", v == null ? null : iso(v.startedAt()));
        rpo.put("newest_verified_age_seconds", v == null ? null : r.newestVerifiedAge().toSeconds());
        rpo.put("ok", v != null && r.newestVerifiedAge().compareTo(r.allowedAge()) <= 0);
        m.put("rpo", rpo);
        List<Map<String, Object>> grid = new ArrayList<>();
        for (Report.DayRow d : r.grid()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("day", d.day().toString());
            row.put("hours", d.cells().stream().map(c -> c.name().toLowerCase()).toList());
            grid.add(row);
        }
        m.put("grid", grid);
        List<Map<String, Object>> backups = new ArrayList<>();
        for (Report.Point p : r.points()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("id", p.id());
            b.put("started_at", iso(p.startedAt()));
            b.put("status", p.status().name());
            b.put("size_bytes", p.sizeBytes());
            b.put("duration_seconds", p.durationSeconds());
            backups.add(b);
        }
        m.put("backups", backups);
        List<Map<String, Object>> problems = new ArrayList<>();
        for (BackupRecord b : r.problems()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", b.id());
            p.put("started_at", iso(b.startedAt()));
            p.put("status", b.status().name());
            p.put("reason", b.reason());
            problems.add(p);
        }
        m.put("problems", problems);
        Map<String, Object> retention = new LinkedHashMap<>();
        r.retention().forEach((k, val) -> retention.put(k.name(), val));
        m.put("retention", retention);
        m.put("lock_actions", section(r.lockActions()));
        m.put("restore_drills", section(r.restoreDrills()));
        m.put("replica_health", section(r.replicaHealth()));
        m.put("binlog_archive", section(r.binlogArchive()));
        return m;
    }

    public static String render(Report r) {
        try {
            return MAPPER.writeValueAsString(tree(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static Map<String, Object> section(SectionData d) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("recorded", d.recorded());
        s.put("summary", d.summary());
        s.put("lines", d.lines());
        return s;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
