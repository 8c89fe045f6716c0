package org.backupscheduler.report;

import java.util.List;
import java.util.Map;

import org.backupscheduler.Bytes;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, no network. Every grid
 * cell carries {@code data-cell} with the same name as the JSON grid, so tests (and people with
 * devtools) can read it back.
 */
public final class HtmlReport {
    private static final Map<Cell, String> COLORS = Map.of(Cell.VERIFIED, "#2e7d32", Cell.COMPLETED, "#9ccc65",
            Cell.EXPIRED, "#b0bec5", Cell.INVALID, "#c62828", Cell.FAILED, "#ef6c00", Cell.SKIPPED, "#fdd835",
            Cell.RUNNING, "#42a5f5", Cell.MISSING, "#ffffff", Cell.NONE, "#f5f5f5", Cell.FUTURE, "#e0e0e0");

    private HtmlReport() {
    }

    public static String render(Report r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Backup report: ").append(esc(r.instance())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}h2{border-bottom:1px solid #ccc}")
                .append("table{border-collapse:collapse}td,th{padding:2px 6px;text-align:left}")
                .append(".grid td.c{width:18px;height:18px;border:1px solid #999;text-align:center;font-size:11px}")
                .append(".bad{color:#c62828;font-weight:bold}.ok{color:#2e7d32;font-weight:bold}")
                .append("</style></head><body>\n");
        h.append("<h1>Backup report: ").append(esc(r.instance())).append("</h1>\n<p>Generated ")
                .append(TextReport.UTC.format(r.generatedAt())).append(" UTC, last ").append(r.days())
                .append(" days.</p>\n");
        h.append("<section id=\"verdict\"><h2>Verdict</h2>");
        if (r.findings().isEmpty()) {
            h.append("<p class=\"ok\">OK</p>");
        } else {
            h.append("<p class=\"bad\">PROBLEMS (exit 3)</p><ul>");
            r.findings().forEach(f -> h.append("<li>").append(esc(f)).append("</li>"));
            h.append("</ul>");
        }
        h.append("</section>\n<section id=\"rpo\"><h2>Recovery point</h2><p>Schedule <code>")
                .append(esc(r.schedule().toString())).append("</code>; the newest verified backup may be ")
                .append(Ages.human(r.allowedAge())).append(" old. Newest VERIFIED: ");
        BackupRecord v = r.newestVerified();
        h.append(v == null ? "<span class=\"bad\">none</span>" : esc(v.id()) + ", "
                + Ages.human(r.newestVerifiedAge()) + " old").append("</p></section>\n");
        grid(h, r);
        charts(h, r.points());
        h.append("<section id=\"problems\"><h2>Failures, invalid and skipped backups</h2>");
        if (r.problems().isEmpty()) {
            h.append("<p>None in the window.</p>");
        } else {
            h.append("<table><tr><th>id</th><th>started (UTC)</th><th>status</th><th>reason</th></tr>");
            for (BackupRecord b : r.problems()) {
                h.append("<tr><td>").append(esc(b.id())).append("</td><td>").append(TextReport.UTC.format(b.startedAt()))
                        .append("</td><td>").append(b.status()).append("</td><td>")
                        .append(esc(b.reason() == null ? "(no reason recorded)" : b.reason())).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</section>\n<section id=\"retention\"><h2>Retention state</h2><table>");
        for (Map.Entry<BackupStatus, Long> e : r.retention().entrySet()) {
            h.append("<tr><td>").append(e.getKey()).append("</td><td>").append(e.getValue()).append("</td></tr>");
        }
        h.append("</table></section>\n");
        section(h, "lock-actions", "Lock-policy actions", r.lockActions());
        section(h, "restore-drills", "Restore drills (deep verify)", r.restoreDrills());
        section(h, "replica-health", "Replica health", r.replicaHealth());
        section(h, "binlog-archive", "Binlog archive", r.binlogArchive());
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void grid(StringBuilder h, Report r) {
        h.append("<section id=\"coverage\"><h2>Coverage (UTC)</h2><table class=\"grid\"><tr><th>day</th>");
        for (int i = 0; i < 24; i++) {
            h.append("<th>").append(String.format("%02d", i)).append("</th>");
        }
        h.append("</tr>");
        for (Report.DayRow d : r.grid()) {
            h.append("<tr data-day=\"").append(d.day()).append("\"><td>").append(d.day()).append("</td>");
            for (Cell c : d.cells()) {
                h.append("<td class=\"c\" data-cell=\"").append(c.name().toLowerCase()).append("\" title=\"")
                        .append(c.name().toLowerCase()).append("\" style=\"background:").append(COLORS.get(c))
                        .append("\">").append(c.symbol() == ' ' || c.symbol() == '_' ? "" : esc(String.valueOf(c.symbol())))
                        .append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table><p>").append(esc(TextReport.LEGEND)).append("</p></section>\n");
    }

    /** Two bar charts, one bar per backup, oldest left: size and duration. */
    private static void charts(StringBuilder h, List<Report.Point> points) {
        h.append("<section id=\"charts\"><h2>Sizes and durations</h2>");
        chart(h, "size-chart", "size (bytes)", points, true);
        chart(h, "duration-chart", "duration (seconds)", points, false);
        h.append("</section>\n");
    }

    private static void chart(StringBuilder h, String id, String label, List<Report.Point> points, boolean size) {
        int width = 1000;
        int height = 160;
        long max = 1;
        for (Report.Point p : points) {
            Long val = size ? p.sizeBytes() : p.durationSeconds();
            max = val != null && val > max ? val : max;
        }
        double bar = points.isEmpty() ? 0 : (double) width / points.size();
        h.append("<h3>").append(label).append(", max ").append(size ? Bytes.human(max) : max + " s")
                .append("</h3><svg id=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\" role=\"img\">")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
        for (int i = 0; i < points.size(); i++) {
            Report.Point p = points.get(i);
            Long val = size ? p.sizeBytes() : p.durationSeconds();
            double bh = val == null ? 0 : (double) val / max * (height - 10);
            Cell c = Cell.of(p.status());
            h.append(String.format(java.util.Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s</title></rect>",
                    i * bar, height - bh, Math.max(1, bar - 1), bh, COLORS.get(c), esc(p.id()),
                    val == null ? "-" : String.valueOf(val)));
        }
        h.append("</svg>");
    }

    private static void section(StringBuilder h, String id, String title, SectionData d) {
        h.append("<section id=\"").append(id).append("\"><h2>").append(title).append("</h2><p>")
                .append(esc(d.summary())).append("</p>");
        if (!d.lines().isEmpty()) {
            h.append("<ul>");
            d.lines().forEach(l -> h.append("<li>").append(esc(l)).append("</li>"));
            h.append("</ul>");
        }
        h.append("</section>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
