package org.backupscheduler.binlogs;

import java.util.List;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where archiving resumes: the file after the newest sealed one, or the server's oldest. */
final class StartFile {
    private static final Logger log = LoggerFactory.getLogger(StartFile.class);

    private StartFile() {
    }

    /**
     * The server's file after the newest sealed one. When the server no longer has it (purged while
     * no archiver ran) the archive resumes from the server's oldest later file, and the hole
     * shows as a gap once that file is sealed. An empty archive starts from the server's oldest.
     */
    static String choose(List<BinlogFileRecord> index, List<String> serverLogs) {
        if (serverLogs.isEmpty()) {
            throw new UserError("the server has no binlogs to archive (SHOW BINARY LOGS is empty)",
                    "turn on log_bin on the server, or set binlogs.archive: off", UserError.FAILED);
        }
        String newestSealed = index.stream().filter(BinlogFileRecord::sealed).map(BinlogFileRecord::fileName)
                .reduce((a, b) -> b).orElse(null);
        // Resume with the first file not sealed: after the newest sealed one, or the open file of
        // an archive that has sealed nothing yet, or (an empty archive) the server's oldest.
        String wanted = newestSealed != null ? Gap.next(newestSealed)
                : index.isEmpty() ? serverLogs.get(0) : index.get(0).fileName();
        if (serverLogs.contains(wanted)) {
            return wanted;
        }
        String later = serverLogs.stream().filter(f -> f.compareTo(wanted) > 0).findFirst()
                .orElse(serverLogs.get(serverLogs.size() - 1));
        log.warn("the server no longer has {}, the next file to archive: archiving resumes at {}, and what was "
                + "between is a gap", wanted, later);
        return later;
    }
}
