package org.backupscheduler.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrateHotcopyCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsOldLinesBesideNewScheduleAndWritesALoadableConfig() throws Exception {
        Path cron = dir.resolve("old.cron");
        Files.write(cron, CrontabParserTest.FIELD_REPORT);
        Path yml = dir.resolve("new.yml");
        TestSetup.Result r = TestSetup.cli("migrate", "hotcopy", "--crontab", cron.toString(),
                "--write-config", yml.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("4: 0 * * * * /usr/bin/mysqlhotcopy --allowold -u root -p **** game_db"), r.out());
        assertTrue(r.out().contains("    =>  schedule.full: @hourly   (was '0 * * * *')"), r.out());
        assertTrue(r.out().contains("warning: line 4: the crontab holds a password"), r.out());
        assertFalse(r.out().contains("S3cr3t") || r.err().contains("S3cr3t"), r.toString());
        assertFalse(Files.readString(yml).contains("S3cr3t"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(yml)));
        assertEquals("@hourly", ConfigLoader.parse(yml).schedule().full().expression());

        // a second run must not overwrite what the user may have edited since
        Files.writeString(yml, "# edited\n", java.nio.file.StandardOpenOption.APPEND);
        String before = Files.readString(yml);
        TestSetup.Result again = TestSetup.cli("migrate", "hotcopy", "--crontab", cron.toString(),
                "--write-config", yml.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains("error: config file " + yml + " already exists; not overwritten"), again.err());
        assertTrue(again.err().contains("HINT: pass another --write-config FILE"), again.err());
        assertEquals(before, Files.readString(yml));
    }

    @Test
    void aQuotedOrAbbreviatedPasswordReachesNeitherTheTerminalNorTheConfig() throws Exception {
        Path cron = dir.resolve("old.cron");
        Files.write(cron, java.util.List.of(
                "0 * * * * mysqlhotcopy -u root -p 'pw with spaces' game_db /backup/hotcopy",
                "30 * * * * mysqlhotcopy -u root --pass pwabbrev log_db /backup/hotcopy",
                "45 * * * * mysqlhotcopy -u root --passwd=pwtypo log_db /backup/hotcopy"));
        Path yml = dir.resolve("new.yml");

        TestSetup.Result r = TestSetup.cli("migrate", "hotcopy", "--crontab", cron.toString(),
                "--write-config", yml.toString());

        assertEquals(0, r.exitCode(), r.toString());
        String written = Files.readString(yml);
        for (String secret : java.util.List.of("pw with spaces", "spaces", "pwabbrev", "pwtypo")) {
            assertFalse(r.toString().contains(secret), secret + " in " + r);
            assertFalse(written.contains(secret), secret + " in " + written);
        }
        assertTrue(written.contains("#   line 1: 0 * * * * mysqlhotcopy -u root -p **** game_db /backup/hotcopy"),
                written);
        assertTrue(written.contains("# They copied the databases game_db, log_db;"), written);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(yml)));
    }

    @Test
    void missingCrontabIsAUsageError() {
        TestSetup.Result r = TestSetup.cli("migrate", "hotcopy", "--crontab", dir.resolve("nope").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("error: cannot read crontab"), r.err());
    }
}
