package org.backupscheduler.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.UserError;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotcopyConverterTest {

    @TempDir
    Path dir;

    @Test
    void fieldReportBecomesAConfigTheLoaderAccepts() throws Exception {
        MigratedConfig m = HotcopyConverter.convert(CrontabParser.parse(CrontabParserTest.FIELD_REPORT),
                Path.of("old.cron"));
        assertEquals("@hourly", m.schedule());
        assertEquals("/backup/backup-scheduler", m.repository());
        assertEquals(List.of("game_db", "log_db"), m.oldDatabases());
        assertEquals("0 * * * *", m.lines().get(0).oldSchedule());
        assertEquals("@hourly", m.lines().get(0).newSchedule());

        String yaml = ConfigYamlWriter.write(m);
        assertFalse(yaml.contains("S3cr3t"), yaml);
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, yaml);
        BackupConfig c = ConfigLoader.parse(file);
        assertEquals("db1", c.instance());
        assertEquals(Path.of("/backup/backup-scheduler"), c.repository().localPath());
        assertEquals("root", c.source().user());
        assertEquals("/run/mysqld/mysqld.sock", c.source().socket());
        assertEquals(Path.of("/etc/backup-scheduler/source.password"), c.source().passwordFile());
        assertEquals("@hourly", c.schedule().full().expression());
    }

    @Test
    void hostPortAndOddValuesSurviveTheYaml() throws Exception {
        ParsedCrontab p = CrontabParser.parse(List.of(
                "@weekly mysqlhotcopy -u \"o'brien\" -h db-7.example.com -P 3307 shop '/srv/it''s #1/hot'",
                "0 */6 * * * mysqlhotcopy -u \"o'brien\" -h db-7.example.com -P 3307 crm /srv/x"));
        MigratedConfig m = HotcopyConverter.convert(p, Path.of("c"));
        assertEquals("0 0 * * 0", m.schedule());
        assertTrue(m.warnings().stream().anyMatch(w -> w.startsWith("line 2: schedule '0 */6 * * *' merged")),
                m.warnings().toString());
        Path file = dir.resolve("b.yml");
        Files.writeString(file, ConfigYamlWriter.write(m));
        BackupConfig c = ConfigLoader.parse(file);
        assertEquals("db-7.example.com", c.instance());
        assertEquals("o'brien", c.source().user());
        assertEquals("db-7.example.com", c.source().host());
        assertEquals(3307, c.source().port());
        assertEquals(Path.of("/srv/its #1/backup-scheduler"), c.repository().localPath()); // shell quotes, then a YAML comment char
    }

    @Test
    void optionHeavyCrontabWarnsOfEachThingNotCarriedOverAndLeaksNoPassword() throws Exception {
        ParsedCrontab p = CrontabParser.parse(List.of(
                "MAILTO=\"\"",
                "MYSQL_PWD=fromEnv1",
                "  30   2 * * 1-5   mariadb-hotcopy --user=backup --password=Sec2 --socket=/run/mysqld/mysqld.sock "
                        + "--keepold --addtodest --regexp='^shop_' /srv/copies",
                "@hourly mysqlhotcopy -ubk -pSec3 -h 10.0.0.7 -P3307 'shop./^(orders|items)$/' /srv/h >/dev/null"));
        MigratedConfig m = HotcopyConverter.convert(p, Path.of("heavy.cron"));
        List<String> w = m.warnings();
        assertTrue(w.stream().anyMatch(x -> x.equals("line 3: --keepold, --addtodest kept at most the previous copy; "
                + "'retention:' now keeps hourly 24, daily 7, weekly 4 full backups by count "
                + "(each one a full copy: check the repository's disk)")), w.toString());
        assertTrue(w.stream().anyMatch(x -> x.equals("line 3: table filter [^shop_] not carried over: "
                + "the new backup copies every table of the server")), w.toString());
        assertTrue(w.stream().anyMatch(x -> x.startsWith("line 4: another server than line 3")), w.toString());
        assertTrue(w.stream().anyMatch(x -> x.startsWith("line 4: schedule '@hourly' merged into '30 2 * * 1-5'")),
                w.toString());

        String yaml = ConfigYamlWriter.write(m);
        for (String secret : List.of("fromEnv1", "Sec2", "Sec3")) {
            assertFalse(yaml.contains(secret), secret + " leaked into:\n" + yaml);
            assertFalse(m.toString().contains(secret), secret);
        }
        Path file = dir.resolve("heavy.yml");
        Files.writeString(file, yaml);
        BackupConfig c = ConfigLoader.parse(file);
        assertEquals("/run/mysqld/mysqld.sock", c.source().socket());
        assertEquals("backup", c.source().user());
        assertEquals("30 2 * * 1-5", c.schedule().full().expression());
        assertEquals(Path.of("/srv/backup-scheduler"), c.repository().localPath());
        assertEquals(24, c.retention().hourly());
        assertEquals(4, c.retention().weekly());
    }

    @Test
    void aCrontabWithoutHotcopyIsAUsageError() {
        UserError e = assertThrows(UserError.class, () -> HotcopyConverter.convert(
                CrontabParser.parse(List.of("0 * * * * /usr/bin/true")), Path.of("x.cron")));
        assertEquals(2, e.exitCode());
        assertEquals("no mysqlhotcopy or mariadb-hotcopy line found in x.cron", e.getMessage());
    }
}
