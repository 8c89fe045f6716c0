package org.backupscheduler.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.Backups;
import org.backupscheduler.config.BackupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the retention policy: folders removed, rows kept as EXPIRED with the date and why. */
public final class Expirer {
    private static final Logger log = LoggerFactory.getLogger(Expirer.class);

    private final BackupConfig config;
    private final Backups backups;
    private final Clock clock;

    public Expirer(BackupConfig config, Backups backups, Clock clock) {
        this.config = config;
        this.backups = backups;
        this.clock = clock;
    }

    /** What retention removes now; nothing is touched when {@code dryRun}. */
    public List<String> expire(boolean dryRun) throws IOException {
        List<BackupRecord> all = new ArrayList<>();
        for (int offset = 0; ; offset += 1000) {
            List<BackupRecord> page = backups.list(config.instance(), 1000, offset);
            all.addAll(page);
            if (page.size() < 1000) {
                break;
            }
        }
        Map<BackupRecord, String> doomed = new RetentionPolicy(config.retention(), ZoneId.systemDefault())
                .toExpire(all);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<BackupRecord, String> e : doomed.entrySet()) {
            BackupRecord b = e.getKey();
            lines.add(b.id() + " " + b.status() + ": " + e.getValue());
            if (dryRun) {
                continue;
            }
            Path dir = Path.of(b.path());
            // Only a folder inside this instance's part of the repository is ever removed.
            if (Files.exists(dir) && dir.toAbsolutePath().normalize().startsWith(config.instanceDir().toAbsolutePath()
                    .normalize())) {
                PathUtils.deleteDirectory(dir);
            }
            // The old status and reason stay readable first: an INVALID backup expired an hour later
            // must still tell the report why it was INVALID.
            backups.update(b.withStatus(BackupStatus.EXPIRED, "was " + b.status()
                    + (b.reason() == null ? "" : ": " + b.reason()) + "; expired " + clock.instant() + ": "
                    + e.getValue()));
            log.info("expired backup {} ({}): {}", b.id(), b.status(), e.getValue());
        }
        return lines;
    }
}
