package org.backupscheduler.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.config.Schedule;

/** Everything one report shows for one instance; the three formats only render this. */
public record Report(String instance, Instant generatedAt, int days, Schedule schedule, Duration allowedAge,
                     BackupRecord newestVerified, List<DayRow> grid, List<Point> points, List<BackupRecord> problems,
                     Map<BackupStatus, Long> retention, SectionData lockActions, SectionData restoreDrills,
                     SectionData replicaHealth, SectionData binlogArchive, List<String> findings) {

    /** One UTC day of the coverage grid: 24 cells, hour 0 first. */
    public record DayRow(LocalDate day, List<Cell> cells) {
        public String symbols() {
            StringBuilder sb = new StringBuilder(24);
            cells.forEach(c -> sb.append(c.symbol()));
            return sb.toString();
        }
    }

    /** One backup on the size/duration charts. */
    public record Point(String id, Instant startedAt, BackupStatus status, Long sizeBytes, Long durationSeconds) {
    }

    /** Age of the newest verified backup at report time, or null when there is none. */
    public Duration newestVerifiedAge() {
        return newestVerified == null ? null : Duration.between(newestVerified.startedAt(), generatedAt);
    }

    /** 0 when all is well, 3 (PROBLEMS) when {@link #findings} is not empty. */
    public int exitCode() {
        return findings.isEmpty() ? UserError.OK : UserError.PROBLEMS;
    }
}
