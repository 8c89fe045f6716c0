package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.LockActions;
import org.backupscheduler.catalog.VerificationRecord;
import org.backupscheduler.config.Schedule;
import org.backupscheduler.engine.Coordinates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog with known gaps, failures, skips, an invalid backup, lock kills and restore drills
 * gives exactly these cells, sections and exit codes, in all three formats.
 */
class ReportBuilderTest {
    static final Instant DAY1 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-01-03T10:30:00Z");

    /** Hourly at :00 from 2026-01-01 00:00 to 2026-01-03 09:00, with the deviations below. */
    static List<BackupRecord> knownCatalog() {
        List<BackupRecord> rows = new ArrayList<>();
        for (int h = 0; h < 58; h++) {
            BackupStatus s = BackupStatus.VERIFIED;
            String reason = null;
            switch (h) {
                case 5 -> s = null; // the scheduler did not run at all: missing
                case 6 -> { s = BackupStatus.FAILED; reason = "mariabackup exited 1: Access denied"; }
                case 7 -> { s = BackupStatus.SKIPPED; reason = "previous run still going"; }
                case 8 -> { s = BackupStatus.INVALID; reason = DRILL_FAILURE; }
                case 24 + 12 -> s = BackupStatus.EXPIRED;
                case 48 + 9 -> { s = BackupStatus.INVALID; reason = "prepare failed: log sequence mismatch"; }
                default -> { }
            }
            if (s != null) {
                rows.add(backup(h, 5, s, reason, 1000L * (h + 1), 60L + h));
            }
        }
        // a failed attempt followed by a verified retry in the same hour: the hour is covered
        rows.add(backup(9, 1, BackupStatus.FAILED, "killed by timeout", null, null));
        return rows;
    }

    static BackupRecord backup(int hourFromDay1, int minute, BackupStatus s, String reason, Long size, Long took) {
        Instant start = DAY1.plus(Duration.ofHours(hourFromDay1)).plus(Duration.ofMinutes(minute));
        String id = String.format("b%03d-%02d", hourFromDay1, minute);
        return new BackupRecord("db1", id, BackupType.FULL, null, s, start,
                took == null ? null : start.plusSeconds(took), new BackupRecord.Contents(size, 10),
                new BackupRecord.Engine("mariabackup", "10.11"), new BackupRecord.Lsns(1L, 2L),
                new Coordinates(null, null, null), new BackupRecord.Source("localhost:3306", 1L), "/repo/db1/" + id,
                reason);
    }

    /** The report of {@code rows} alone: the builder finds the newest VERIFIED among them itself. */
    static Report report(List<BackupRecord> rows, String schedule) {
        return report(rows, schedule, null);
    }

    static Report report(List<BackupRecord> rows, String schedule, BackupRecord verifiedBefore) {
        return new ReportBuilder("db1", Schedule.parse("schedule.full", schedule, ZoneOffset.UTC), Duration.ofMinutes(50))
                .build(NOW, 3, rows, verifiedBefore, Map.of(BackupStatus.VERIFIED, 50L, BackupStatus.EXPIRED, 1L));
    }

    static final String DRILL_FAILURE = "deep verification failed: CHECK TABLE shop.orders: error: corrupt";
    /** The lock-policy lines the fixture's catalog gives, newest first. */
    static final List<String> LOCK_LINES = List.of(
            "2026-01-02 03:00  PRINT session 43 (report, 45s) -> printed; print: would KILL",
            "2026-01-02 03:00  KILL session 42 (maint, 600s) -> killed; kill-blocker: 2 session(s) waiting");
    static final String LOCK_SUMMARY = "2 decision(s) in the window, 1 kill(s)";
    static final List<String> DRILL_LINES = List.of(
            "2026-01-03 02:10  b050-05  passed, restore time 1m35s",
            "2026-01-01 08:30  b008-05  FAILED, restore time 1m20s: CHECK TABLE shop.orders: error: corrupt");
    static final String DRILL_SUMMARY = "2 drill(s) in the window, 1 passed";

    /**
     * The lock kills and restore drills of the fixture, in a real catalog: two decisions and two
     * drills in the window, and one of each (plus a prepare, which is no drill) that must not show.
     */
    static Catalog sectionsCatalog(Path dir) {
        Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null);
        var locks = catalog.backups().lockActions();
        locks.record(new LockActions.Row("db1", Instant.parse("2026-01-02T03:00:20Z"), 42, "b027-05", "maint",
                "10.0.0.9:5000", "shop", "Query", "Updating", 600, "UPDATE shop.audit SET x = 1", "12,13",
                "kill-blocker: 2 session(s) waiting", "KILL", "killed"));
        locks.record(new LockActions.Row("db1", Instant.parse("2026-01-02T03:00:40Z"), 43, "b027-05", "report",
                "10.0.0.9:5001", "shop", "Query", "Waiting for backup lock", 45, null, "", "print: would KILL",
                "PRINT", "printed"));
        locks.record(new LockActions.Row("db1", Instant.parse("2025-12-30T12:00:00Z"), 7, null, "old", "h", null,
                "Query", "", 900, null, "", "kill-waiters: before the window", "KILL", "killed"));
        var drills = catalog.backups().verifications();
        drills.record(new VerificationRecord("db1", "b008-05", "deep", Instant.parse("2026-01-01T08:30:00Z"),
                Duration.ofSeconds(80), false, "CHECK TABLE shop.orders: error: corrupt"));
        drills.record(new VerificationRecord("db1", "b050-05", "prepare", Instant.parse("2026-01-03T02:09:00Z"),
                Duration.ofSeconds(3), true, null));
        drills.record(new VerificationRecord("db1", "b050-05", "deep", Instant.parse("2026-01-03T02:10:00Z"),
                Duration.ofSeconds(95), true, null));
        drills.record(new VerificationRecord("db1", "b001-05", "deep", Instant.parse("2025-12-31T23:00:00Z"),
                Duration.ofSeconds(60), true, null));
        return catalog;
    }

    /** The known catalog with its kills and drills read from {@code catalog} by the real sections. */
    static Report fullReport(List<BackupRecord> rows, Catalog catalog) {
        return new ReportBuilder("db1", Schedule.parse("schedule.full", "@hourly", ZoneOffset.UTC), Duration.ofMinutes(50))
                .lockActions(new LockActionsSource(catalog))
                .restoreDrills(new RestoreDrillsSource(catalog))
                .build(NOW, 3, rows, null, Map.of(BackupStatus.VERIFIED, 50L, BackupStatus.EXPIRED, 1L));
    }

    static final String DAY1_CELLS = "VVVVV.FSIVVVVVVVVVVVVVVV";
    static final String DAY2_CELLS = "VVVVVVVVVVVVEVVVVVVVVVVV";
    static final String DAY3_CELLS = "VVVVVVVVVI______________";

    @Test
    void gridShowsEveryGapFailureSkipAndInvalid() {
        Report r = report(knownCatalog(), "@hourly");
        assertEquals(3, r.grid().size());
        assertEquals("2026-01-01", r.grid().get(0).day().toString());
        assertEquals(DAY1_CELLS, r.grid().get(0).symbols());
        assertEquals(DAY2_CELLS, r.grid().get(1).symbols());
        assertEquals(DAY3_CELLS, r.grid().get(2).symbols());
    }

    @Test
    void recentInvalidBackupGivesExit3EvenWithAFreshVerifiedOne() {
        List<BackupRecord> rows = new ArrayList<>(knownCatalog());
        rows.add(backup(57, 40, BackupStatus.VERIFIED, null, 1L, 1L)); // a good retry after the invalid one
        Report r = report(rows, "@hourly");
        assertEquals(3, r.exitCode());
        assertEquals(1, r.findings().size(), r.findings().toString());
        assertTrue(r.findings().get(0).contains("b057-05 is INVALID: prepare failed"), r.findings().toString());
        assertEquals("b057-40", r.newestVerified().id());
        assertEquals(DAY3_CELLS.replace('I', 'V'), r.grid().get(2).symbols());
        // failures, invalid and skipped backups with their reasons, oldest first
        assertEquals(List.of("b006-05", "b007-05", "b008-05", "b009-01", "b057-05"),
                r.problems().stream().map(BackupRecord::id).toList());
    }

    @Test
    void healthyCatalogExits0() {
        List<BackupRecord> rows = knownCatalog().stream().map(b -> b.status() == BackupStatus.INVALID
                ? b.withStatus(BackupStatus.VERIFIED, null) : b).toList();
        Report r = report(rows, "@hourly");
        assertEquals(List.of(), r.findings());
        assertEquals(0, r.exitCode());
    }

    @Test
    void newestVerifiedIsTheNewestOfTheWindowOrAnOlderOneFromTheCatalog() {
        BackupRecord older = backup(-30, 5, BackupStatus.VERIFIED, null, 1L, 1L); // 2025-12-30 18:05
        assertEquals("b056-05", report(knownCatalog(), "@hourly", older).newestVerified().id());
        List<BackupRecord> unverified = knownCatalog().stream().filter(b -> b.status() != BackupStatus.VERIFIED)
                .toList();
        Report r = report(unverified, "@hourly", older);
        assertEquals("b-30-05", r.newestVerified().id());
        assertEquals("newest VERIFIED backup b-30-05 is 3d16h old; the schedule '@hourly' allows 1h50m",
                r.findings().get(0));
        assertEquals(null, report(unverified, "@hourly").newestVerified());
    }

    @Test
    void overdueAfterTheLastVerifiedFailsEvenWithoutRecentInvalid() {
        // the known catalog: hour 57 INVALID, so at 10:30 the newest VERIFIED (08:05) is overdue as well
        Report r = report(knownCatalog(), "@hourly");
        assertEquals(List.of("newest VERIFIED backup b056-05 is 2h25m old; the schedule '@hourly' allows 1h50m",
                "backup b057-05 is INVALID: prepare failed: log sequence mismatch"), r.findings());
    }

    @Test
    void staleNewestVerifiedGivesExit3() {
        // only the first day verified: the newest is more than a day old against an hourly schedule
        List<BackupRecord> rows = knownCatalog().stream().filter(b -> b.startedAt().isBefore(
                DAY1.plus(Duration.ofDays(1)))).toList();
        Report r = report(rows, "@hourly");
        assertEquals(3, r.exitCode());
        assertTrue(r.findings().get(0).contains("newest VERIFIED backup b023-05 is 1d11h old; the schedule "
                + "'@hourly' allows 1h50m"), r.findings().toString());
        assertEquals("........................", r.grid().get(1).symbols());
    }

    /** The field report: backups every two hours instead of hourly, never verified. */
    @Test
    void everyOtherHourUnverifiedIsImpossibleToMiss() {
        List<BackupRecord> rows = new ArrayList<>();
        for (int h = 48; h < 58; h += 2) {
            rows.add(backup(h, 0, BackupStatus.COMPLETED, null, 0L, 1L));
        }
        Report r = report(rows, "@hourly");
        assertEquals("C.C.C.C.C.______________", r.grid().get(2).symbols());
        assertEquals(3, r.exitCode());
        assertTrue(r.findings().get(0).startsWith("no VERIFIED backup"), r.findings().toString());
        // with a two-hourly cron the odd hours are not expected: blank instead of missing
        Report twoHourly = report(rows, "0 */2 * * *");
        assertEquals("C C C C C ______________", twoHourly.grid().get(2).symbols());
        assertEquals(Duration.ofHours(2).plusMinutes(50), twoHourly.allowedAge());
    }

    @Test
    void dailyCronExpectsOneRunPerDay() {
        Report r = report(List.of(), "30 2 * * *");
        assertEquals("  .                     ", r.grid().get(0).symbols());
        assertEquals(Duration.ofHours(24).plusMinutes(50), r.allowedAge());
    }

    @Test
    void unwiredSectionsSayNoDataRecorded() {
        Report r = report(knownCatalog(), "@hourly");
        String text = TextReport.render(r);
        assertTrue(text.contains("== Lock-policy actions: no data recorded"), text);
        assertTrue(text.contains("== Restore drills (deep verify): no data recorded"), text);
        assertTrue(text.contains("== Replica health: no data recorded"), text);
        assertTrue(HtmlReport.render(r).contains("<section id=\"replica-health\"><h2>Replica health</h2>"
                + "<p>no data recorded</p>"));
    }

    @Test
    void allThreeFormatsShowTheSameCellsSectionsAndExitCode(@TempDir Path dir) throws Exception {
        try (Catalog catalog = sectionsCatalog(dir)) {
            Report r = fullReport(knownCatalog(), catalog);
            assertEquals(3, r.exitCode());
            assertFormats(r, new String[] {DAY1_CELLS, DAY2_CELLS, DAY3_CELLS}, 3);

            JsonNode json = new ObjectMapper().readTree(JsonReport.render(r));
            assertEquals("b008-05", json.get("problems").get(2).get("id").asText());
            assertEquals(DRILL_FAILURE, json.get("problems").get(2).get("reason").asText());
            assertEquals("b057-05", json.get("problems").get(4).get("id").asText());
            assertEquals("prepare failed: log sequence mismatch", json.get("problems").get(4).get("reason").asText());
            // derived by the builder from the rows: 09:05 on day 3 is INVALID, so 08:05
            assertEquals("b056-05", json.get("rpo").get("newest_verified_id").asText());
            assertEquals(Duration.ofMinutes(145).toSeconds(), json.get("rpo").get("newest_verified_age_seconds")
                    .asLong());
            assertEquals(false, json.get("replica_health").get("recorded").asBoolean());

            // the same catalog without the invalid backups: exit 0, said the same way everywhere
            List<BackupRecord> healthy = knownCatalog().stream().map(b -> b.status() == BackupStatus.INVALID
                    ? b.withStatus(BackupStatus.VERIFIED, null) : b).toList();
            assertFormats(fullReport(healthy, catalog), new String[] {DAY1_CELLS.replace('I', 'V'), DAY2_CELLS,
                DAY3_CELLS.replace('I', 'V')}, 0);
        }
    }

    @Test
    void aGapInTheBinlogArchiveIsAFindingAndTheSectionShowsTheRecoveryPointAndWindow(@TempDir Path dir)
            throws Exception {
        List<BackupRecord> healthy = knownCatalog().stream().map(b -> b.status() == BackupStatus.INVALID
                ? b.withStatus(BackupStatus.VERIFIED, null) : b).toList();
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null)) {
            Instant t = NOW.minus(Duration.ofMinutes(10));
            for (String file : List.of("mysql-bin.000001", "mysql-bin.000002", "mysql-bin.000004")) {
                catalog.binlogFiles().record(new BinlogFileRecord("db1", file, 1L, "", "0-1-1", "0-1-2", t,
                        t.plusSeconds(60), 4096, "00000000", t, t));
            }
            Report r = new ReportBuilder("db1", Schedule.parse("schedule.full", "@hourly", ZoneOffset.UTC),
                    Duration.ofMinutes(50)).binlogArchive(new BinlogArchiveSource(catalog, true))
                    .build(NOW, 3, healthy, null, Map.of(BackupStatus.VERIFIED, 50L));
            assertEquals(3, r.exitCode(), "a gap fails the report even with every backup VERIFIED");
            assertTrue(r.findings().stream().anyMatch(f -> f.startsWith("binlog archive gap: between mysql-bin.000002 "
                    + "and mysql-bin.000004: mysql-bin.000003 never archived")), r.findings().toString());
            String text = TextReport.render(r);
            assertTrue(text.contains("== Binlog archive: on, recovery point 9m00s, 1 gap(s)\n"
                    + "  archived mysql-bin.000001 .. mysql-bin.000004 (3 file(s), 3 sealed, 12.0 KiB)\n"), text);
            JsonNode json = new ObjectMapper().readTree(JsonReport.render(r));
            assertEquals(true, json.get("binlog_archive").get("recorded").asBoolean());
            assertTrue(HtmlReport.render(r).contains("<section id=\"binlog-archive\"><h2>Binlog archive</h2>"));
        }
        try (Catalog empty = Catalog.open("jdbc:h2:file:" + dir.resolve("empty"), null, null)) {
            Report off = new ReportBuilder("db1", Schedule.parse("schedule.full", "@hourly", ZoneOffset.UTC),
                    Duration.ofMinutes(50)).binlogArchive(new BinlogArchiveSource(empty, false))
                    .build(NOW, 3, healthy, null, Map.of(BackupStatus.VERIFIED, 50L));
            assertEquals(0, off.exitCode(), off.findings().toString());
            assertTrue(TextReport.render(off).contains("== Binlog archive: off (binlogs.archive: on keeps every"),
                    TextReport.render(off));
        }
    }

    /** Grid cells, lock kills, restore drills and the exit code, in text, JSON and HTML alike. */
    private static void assertFormats(Report r, String[] expected, int exitCode) throws Exception {
        String[] days = {"2026-01-01", "2026-01-02", "2026-01-03"};

        String text = TextReport.render(r);
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= 100, "longer than 100 columns: " + line);
        }
        for (int d = 0; d < 3; d++) {
            assertTrue(text.contains("  " + days[d] + "   " + expected[d] + "\n"), text);
        }
        assertTrue(text.contains("== Verdict: " + (exitCode == 0 ? "OK\n" : "PROBLEMS (exit 3)\n")), text);
        assertTrue(text.contains("== Lock-policy actions: " + LOCK_SUMMARY + "\n  " + String.join("\n  ",
                LOCK_LINES) + "\n"), text);
        assertTrue(text.contains("== Restore drills (deep verify): " + DRILL_SUMMARY + "\n  " + String.join("\n  ",
                DRILL_LINES) + "\n"), text);

        JsonNode json = new ObjectMapper().readTree(JsonReport.render(r));
        assertEquals(1, json.get("schema_version").asInt());
        assertEquals(exitCode, json.get("exit_code").asInt());
        assertEquals(exitCode == 0, json.get("findings").isEmpty(), json.get("findings").toString());
        assertEquals(true, json.get("lock_actions").get("recorded").asBoolean());
        assertEquals(LOCK_SUMMARY, json.get("lock_actions").get("summary").asText());
        assertEquals(LOCK_LINES, lines(json.get("lock_actions")));
        assertEquals(DRILL_SUMMARY, json.get("restore_drills").get("summary").asText());
        assertEquals(DRILL_LINES, lines(json.get("restore_drills")));

        String html = HtmlReport.render(r);
        assertTrue(html.contains(exitCode == 0 ? "<h2>Verdict</h2><p class=\"ok\">OK</p>"
                : "<h2>Verdict</h2><p class=\"bad\">PROBLEMS (exit 3)</p>"), html);
        assertTrue(html.contains("<section id=\"lock-actions\"><h2>Lock-policy actions</h2><p>" + LOCK_SUMMARY
                + "</p><ul><li>2026-01-02 03:00  PRINT session 43 (report, 45s) -&gt; printed; print: would KILL</li>"
                + "<li>2026-01-02 03:00  KILL session 42 (maint, 600s) -&gt; killed; kill-blocker: 2 session(s) "
                + "waiting</li></ul></section>"), html);
        assertTrue(html.contains("<section id=\"restore-drills\"><h2>Restore drills (deep verify)</h2><p>"
                + DRILL_SUMMARY + "</p><ul><li>" + String.join("</li><li>", DRILL_LINES) + "</li></ul></section>"),
                html);
        for (int d = 0; d < 3; d++) {
            JsonNode row = json.get("grid").get(d);
            assertEquals(days[d], row.get("day").asText());
            StringBuilder htmlRow = new StringBuilder();
            int at = html.indexOf("<tr data-day=\"" + days[d] + "\">");
            assertTrue(at >= 0, "no grid row for " + days[d]);
            String rowHtml = html.substring(at, html.indexOf("</tr>", at));
            for (int h = 0; h < 24; h++) {
                Cell c = cellOf(expected[d].charAt(h));
                assertEquals(c.name().toLowerCase(), row.get("hours").get(h).asText(), days[d] + " hour " + h);
                htmlRow.append("data-cell=\"").append(c.name().toLowerCase()).append('"');
            }
            assertEquals(htmlRow.toString(), dataCells(rowHtml), days[d]);
        }
        assertTrue(html.contains("<svg id=\"size-chart\"") && html.contains("<svg id=\"duration-chart\""));
        assertEquals(-1, html.replace("http://www.w3.org/2000/svg", "").indexOf("http"),
                "the HTML must not load anything from the network");
    }

    private static List<String> lines(JsonNode section) {
        List<String> out = new ArrayList<>();
        section.get("lines").forEach(l -> out.add(l.asText()));
        return out;
    }

    private static String dataCells(String rowHtml) {
        StringBuilder sb = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-cell=\"[a-z]+\"").matcher(rowHtml);
        while (m.find()) {
            sb.append(m.group());
        }
        return sb.toString();
    }

    private static Cell cellOf(char symbol) {
        for (Cell c : Cell.values()) {
            if (c.symbol() == symbol) {
                return c;
            }
        }
        throw new IllegalArgumentException("no cell " + symbol);
    }
}
