package org.backupscheduler.verify;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.backupscheduler.backup.Manifest;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.EngineFiles;

/**
 * The structure checks that do not depend on where the files are (a folder, or a compressed
 * stream): do the engine's own files agree with themselves and with the manifest written at
 * backup time? Each adds what it finds to {@code problems}.
 */
final class ManifestAgreement {
    private ManifestAgreement() {
    }

    /** backup_type, the LSN range, and the to_lsn the catalog was filled from. */
    static void checkpoints(Manifest manifest, EngineFiles files, List<String> problems) {
        boolean incremental = isIncremental(manifest);
        String expectedType = incremental ? "incremental" : "full-backuped";
        if (!expectedType.equals(files.checkpoints().backupType())) {
            problems.add("checkpoints say backup_type = " + files.checkpoints().backupType() + ", expected "
                    + expectedType + (files.checkpoints().isUnprepared() ? "" : " (was the stored backup prepared?)"));
        }
        Long from = files.checkpoints().fromLsn();
        Long to = files.checkpoints().toLsn();
        if (from == null || to == null || to <= 0 || to < from) {
            problems.add("checkpoints have an impossible LSN range from_lsn=" + from + " to_lsn=" + to);
        } else if (!incremental && from != 0) {
            problems.add("a full backup must start at from_lsn=0, found " + from);
        }
        if (!Objects.equals(to, manifest.toLsn())) {
            problems.add("checkpoints to_lsn=" + to + " but the manifest recorded " + manifest.toLsn());
        }
    }

    /**
     * Every database and table recorded at backup time is there ({@code found}, by SQL name);
     * {@code where} ends the message ("" for the folder, " from the stream").
     */
    static void inventory(Manifest manifest, Map<String, List<String>> found, String where, List<String> problems) {
        for (Map.Entry<String, List<String>> schema : manifest.inventory().entrySet()) {
            List<String> tables = found.get(schema.getKey());
            if (tables == null) {
                problems.add("database folder " + schema.getKey() + " is missing" + where);
                continue;
            }
            for (String table : schema.getValue()) {
                if (!tables.contains(table)) {
                    problems.add("table definition " + schema.getKey() + "." + table + " (.frm) is missing" + where);
                }
            }
        }
    }

    /** When the source logged binlogs, the engine's binlog file says the same as the manifest. */
    static void binlog(Manifest manifest, EngineFiles files, List<String> problems) {
        if (manifest.binlogFile() == null) {
            return;
        }
        Coordinates recorded = new Coordinates(manifest.binlogFile(), manifest.binlogPosition(), manifest.gtid());
        if (files.binlog().isEmpty()) {
            problems.add("the source logs binlogs (" + recorded + ") but xtrabackup_binlog_info is missing");
        } else if (!files.binlog().get().equals(recorded)) {
            problems.add("xtrabackup_binlog_info says " + files.binlog().get() + ", the manifest " + recorded);
        }
    }

    static boolean isIncremental(Manifest manifest) {
        return "incremental".equals(manifest.type());
    }
}
