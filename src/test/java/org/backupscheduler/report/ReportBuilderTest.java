package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Coordinates;
import org.junit.jupiter.api.Test;

/** A catalog with known gaps, failures, skips and an invalid backup gives exactly these cells and exit codes. */
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
                case 8 -> { s = BackupStatus.INVALID; reason = "manifest checksum mismatch in ibdata1"; }
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
                took == null ? null : start.plusSeconds(took), size, 10, "mariabackup", "10.11", 1L, 2L,
                new Coordinates(null, null, null), "localhost:3306", 1L, "/repo/db1/" + id, reason);
    }

    static Report report(List<BackupRecord> rows, String schedule) {
        BackupRecord newest = rows.stream().filter(b -> b.status() == BackupStatus.VERIFIED)
                .max((a, b) -> a.startedAt().compareTo(b.startedAt())).orElse(null);
        return new ReportBuilder("db1", ExpectedRuns.of(schedule), Duration.ofMinutes(50))
                .build(NOW, 3, rows, newest, Map.of(BackupStatus.VERIFIED, 50L, BackupStatus.EXPIRED, 1L));
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
    void allThreeFormatsShowTheSameCells() throws Exception {
        Report r = report(knownCatalog(), "@hourly");
        String[] expected = {DAY1_CELLS, DAY2_CELLS, DAY3_CELLS};
        String[] days = {"2026-01-01", "2026-01-02", "2026-01-03"};

        String text = TextReport.render(r);
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= 100, "longer than 100 columns: " + line);
        }
        for (int d = 0; d < 3; d++) {
            assertTrue(text.contains("  " + days[d] + "   " + expected[d] + "\n"), text);
        }

        JsonNode json = new ObjectMapper().readTree(JsonReport.render(r));
        assertEquals(1, json.get("schema_version").asInt());
        assertEquals(3, json.get("exit_code").asInt());
        String html = HtmlReport.render(r);
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
        assertEquals("b057-05", json.get("problems").get(4).get("id").asText());
        assertEquals("prepare failed: log sequence mismatch", json.get("problems").get(4).get("reason").asText());
        assertEquals(false, json.get("replica_health").get("recorded").asBoolean());
        assertTrue(html.contains("<svg id=\"size-chart\"") && html.contains("<svg id=\"duration-chart\""));
        assertEquals(-1, html.replace("http://www.w3.org/2000/svg", "").indexOf("http"),
                "the HTML must not load anything from the network");
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
