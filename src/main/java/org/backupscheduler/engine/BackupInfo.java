package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@code xtrabackup_info}: the engine's own summary of the run. */
public record BackupInfo(String toolName, String toolVersion, String serverVersion, String startTime,
                         String endTime, String binlogPos, Long innodbFromLsn, Long innodbToLsn,
                         boolean incremental, String format) {

    public static BackupInfo read(Path file) throws IOException {
        return parse(KeyValueFile.read(file));
    }

    static BackupInfo parse(Map<String, String> v) {
        return new BackupInfo(v.get("tool_name"), v.get("tool_version"), v.get("server_version"),
                v.get("start_time"), v.get("end_time"), v.get("binlog_pos"),
                KeyValueFile.longOrNull(v, "innodb_from_lsn"), KeyValueFile.longOrNull(v, "innodb_to_lsn"),
                "Y".equalsIgnoreCase(v.get("incremental")), v.get("format"));
    }
}
