package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupStatus;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup report} end to end on the embedded H2 catalog (the report never talks to the
 * source server): rows written through the catalog, read back in all three formats.
 */
class ReportCommandTest {
    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path pw = TestSetup.passwordFile(dir, "pw", "x");
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"),
                "source:", "  host: 127.0.0.1", "  port: 1", "  user: backup", "  password-file: " + pw,
                "schedule:", "  full: '@hourly'", ""));
        return file;
    }

    private static BackupRecord row(Instant start, BackupStatus s, String reason) {
        String id = "r" + start.getEpochSecond();
        return new BackupRecord("db1", id, BackupType.FULL, null, s, start, start.plusSeconds(30),
                new BackupRecord.Contents(4096L, 3), new BackupRecord.Engine("mariabackup", "10.11"),
                new BackupRecord.Lsns(1L, 2L), Coordinates.NONE, new BackupRecord.Source("127.0.0.1:1", 1L),
                "/repo/db1/" + id, reason);
    }

    @Test
    void sameCellsInTextJsonAndHtml() throws Exception {
        Path cfg = config();
        Instant hourNow = Instant.now().truncatedTo(ChronoUnit.HOURS);
        // three hours ago: verified; two hours ago: failed; one hour ago: invalid (recent → exit 3)
        Instant verified = hourNow.minus(Duration.ofHours(3)).plusSeconds(60);
        Instant failed = hourNow.minus(Duration.ofHours(2)).plusSeconds(60);
        Instant invalid = hourNow.minus(Duration.ofHours(1)).plusSeconds(60);
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo").resolve("catalog").toAbsolutePath(),
                null, null)) {
            catalog.backups().insert(row(verified, BackupStatus.VERIFIED, null), ProcessIdentity.current());
            catalog.backups().insert(row(failed, BackupStatus.FAILED, "engine exited 1"), ProcessIdentity.current());
            catalog.backups().insert(row(invalid, BackupStatus.INVALID, "checksum mismatch"),
                    ProcessIdentity.current());
        }

        TestSetup.Result json = TestSetup.cli("--config", cfg.toString(), "report", "--format", "json", "--days", "2");
        assertEquals(3, json.exitCode(), json.toString());
        JsonNode tree = new ObjectMapper().readTree(json.out());
        assertEquals(verified.toString(), tree.get("rpo").get("newest_verified_started_at")
                .asText());
        assertEquals("checksum mismatch", tree.get("problems").get(1).get("reason").asText());

        TestSetup.Result text = TestSetup.cli("--config", cfg.toString(), "report", "--days", "2");
        assertEquals(3, text.exitCode(), text.toString());
        Path html = dir.resolve("out/report.html");
        TestSetup.Result htmlRun = TestSetup.cli("--config", cfg.toString(), "report", "--format", "html",
                "--output", html.toString(), "--days", "2");
        assertEquals(3, htmlRun.exitCode(), htmlRun.toString());
        String page = Files.readString(html);

        String[][] expected = {{cellAt(verified), "verified"}, {cellAt(failed), "failed"}, {cellAt(invalid), "invalid"}};
        for (String[] e : expected) {
            String day = e[0].substring(0, 10);
            int hour = Integer.parseInt(e[0].substring(11));
            JsonNode gridRow = null;
            for (JsonNode r : tree.get("grid")) {
                gridRow = r.get("day").asText().equals(day) ? r : gridRow;
            }
            assertEquals(e[1], gridRow.get("hours").get(hour).asText(), e[0]);
            String textRow = text.out().lines().filter(l -> l.startsWith("  " + day + "   ")).findFirst().orElseThrow();
            assertEquals(Cell.valueOf(e[1].toUpperCase()).symbol(), textRow.charAt(15 + hour), textRow);
            int at = page.indexOf("<tr data-day=\"" + day + "\">");
            String htmlRow = page.substring(at, page.indexOf("</tr>", at));
            assertEquals(e[1], htmlRow.split("data-cell=\"")[hour + 1].split("\"")[0], e[0]);
        }
        assertTrue(text.out().contains("  ! backup r" + invalid.getEpochSecond() + " is INVALID: checksum mismatch"),
                text.out());
    }

    /** The same backup has one size: `list` said 38.6 MB where `report` said 36.8 MiB. */
    @Test
    void listAndReportSayTheSameSizeInBinaryUnits() throws Exception {
        Path cfg = config();
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        BackupRecord r = row(start, BackupStatus.VERIFIED, null);
        BackupRecord sized = new BackupRecord(r.instance(), r.id(), r.type(), r.parentId(), r.status(), r.startedAt(),
                r.finishedAt(), new BackupRecord.Contents(38_600_000L, 3), r.engine(), r.lsns(), r.coordinates(),
                r.source(), r.path(), r.reason());
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("repo").resolve("catalog").toAbsolutePath(),
                null, null)) {
            catalog.backups().insert(sized, ProcessIdentity.current());
        }
        TestSetup.Result list = TestSetup.cli("--config", cfg.toString(), "list");
        TestSetup.Result report = TestSetup.cli("--config", cfg.toString(), "report", "--days", "1");
        String listLine = list.out().lines().filter(l -> l.contains(r.id())).findFirst().orElseThrow();
        String reportLine = report.out().lines().filter(l -> l.strip().startsWith(r.id())).findFirst().orElseThrow();
        assertTrue(listLine.contains("36.8 MiB"), list.out());
        assertTrue(reportLine.contains("36.8 MiB"), report.out());
    }

    @Test
    void anUnreachableConfiguredReplicaIsALineNotAFailure() throws Exception {
        Path cfg = config();
        Path pw = TestSetup.passwordFile(dir, "replica.pw", "x");
        // port 1: nothing listens there, the connection is refused at once
        Files.writeString(cfg, Files.readString(cfg) + String.join("\n", "replicas:", "  replica1:",
                "    host: 127.0.0.1", "    port: 1", "    user: admin", "    password-file: " + pw,
                "    primary: {host: 127.0.0.1, port: 1, user: repl, password-file: " + pw + "}", ""));

        TestSetup.Result json = TestSetup.cli("--config", cfg.toString(), "report", "--format", "json");

        // exit 3 as without replicas (nothing VERIFIED in an empty catalog), and no error
        assertEquals(3, json.exitCode(), json.toString());
        JsonNode health = new ObjectMapper().readTree(json.out()).get("replica_health");
        assertEquals(true, health.get("recorded").asBoolean());
        assertEquals("1 configured replica(s) checked now, 0 healthy; 0 backup(s) of a replica in the window, 0 "
                + "refused or stale because replication was broken or behind", health.get("summary").asText());
        String line = health.get("lines").get(0).asText();
        assertTrue(line.startsWith("now  replica1 (127.0.0.1:1): unreachable: cannot connect to replica "
                + "127.0.0.1:1: "), line);
        TestSetup.Result text = TestSetup.cli("--config", cfg.toString(), "report");
        assertTrue(text.out().contains("\n  now  replica1 (127.0.0.1:1): unreachable: "), text.out());
    }

    @Test
    void badDaysIsAUsageError() throws Exception {
        TestSetup.Result r = TestSetup.cli("--config", config().toString(), "report", "--days", "0");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--days must be between 1 and 366"), r.err());
    }

    private static String cellAt(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC) + "T" + String.format("%02d",
                t.atZone(ZoneOffset.UTC).getHour());
    }
}
