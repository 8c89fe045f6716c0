package org.backupscheduler.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.backupscheduler.Bytes;
import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;

/** The report for a 100-column terminal: verdict first, then one grid row per day. */
public final class TextReport {
    static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    static final String LEGEND = "V verified  C completed(unverified)  E expired  I invalid  F failed  S skipped  "
            + "R running  . missing  _ not yet";

    private TextReport() {
    }

    public static String render(Report r) {
        StringBuilder sb = new StringBuilder();
        line(sb, "Backup report: " + r.instance() + "   " + UTC.format(r.generatedAt()) + " UTC   last " + r.days()
                + " days");
        line(sb, "");
        line(sb, "== Verdict: " + (r.exitCode() == UserError.OK ? "OK" : "PROBLEMS (exit " + r.exitCode() + ")"));
        for (String f : r.findings()) {
            line(sb, "  ! " + f);
        }
        line(sb, "");
        line(sb, "== Recovery point");
        line(sb, "  schedule: " + r.schedule() + "   allowed age of newest verified: " + Ages.human(r.allowedAge()));
        BackupRecord v = r.newestVerified();
        line(sb, "  newest VERIFIED: " + (v == null ? "none" : v.id() + " started " + UTC.format(v.startedAt())
                + " UTC, " + Ages.human(r.newestVerifiedAge()) + " old"));
        line(sb, "");
        line(sb, "== Coverage (UTC, one row per day, hours 00..23)");
        line(sb, "  day          000000000011111111112222");
        line(sb, "               012345678901234567890123");
        for (Report.DayRow d : r.grid()) {
            line(sb, "  " + d.day() + "   " + d.symbols());
        }
        line(sb, "  " + LEGEND);
        line(sb, "");
        line(sb, "== Sizes and durations (" + r.points().size() + " backups in the window)");
        int from = Math.max(0, r.points().size() - 12);
        for (Report.Point p : r.points().subList(from, r.points().size())) {
            line(sb, String.format("  %-18s %-16s %-9s %10s %8s", p.id(), UTC.format(p.startedAt()), p.status(),
                    p.sizeBytes() == null ? "-" : Bytes.human(p.sizeBytes()),
                    p.durationSeconds() == null ? "-" : Ages.human(java.time.Duration.ofSeconds(p.durationSeconds()))));
        }
        if (from > 0) {
            line(sb, "  (" + from + " older not shown; --format html charts them all)");
        }
        line(sb, "");
        line(sb, "== Failures, invalid and skipped backups (" + r.problems().size() + ")");
        for (BackupRecord b : r.problems()) {
            line(sb, String.format("  %-18s %-16s %-8s %s", b.id(), UTC.format(b.startedAt()), b.status(),
                    b.reason() == null ? "(no reason recorded)" : b.reason().replace('\n', ' ')));
        }
        line(sb, "");
        line(sb, "== Retention state (whole catalog)");
        StringBuilder counts = new StringBuilder(" ");
        for (Map.Entry<BackupStatus, Long> e : r.retention().entrySet()) {
            counts.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        line(sb, r.retention().isEmpty() ? "  no backups recorded" : counts.toString());
        section(sb, "Lock-policy actions", r.lockActions());
        section(sb, "Restore drills (deep verify)", r.restoreDrills());
        section(sb, "Replica health", r.replicaHealth());
        section(sb, "Binlog archive", r.binlogArchive());
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, SectionData d) {
        line(sb, "");
        line(sb, "== " + title + ": " + d.summary());
        d.lines().forEach(l -> line(sb, "  " + l));
    }

    /** Every line is cut at 100 columns. */
    private static void line(StringBuilder sb, String s) {
        sb.append(s.length() <= 100 ? s : s.substring(0, 97) + "...").append('\n');
    }
}
