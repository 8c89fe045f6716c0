package org.backupscheduler.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CrontabParserTest {

    /**
     * The field report (shared/seed) describes an hourly mysqlhotcopy on the replica whose
     * folders ended up empty; it quotes no crontab, so this is the line such a setup has.
     */
    static final List<String> FIELD_REPORT = List.of(
            "# m h  dom mon dow   command",
            "MAILTO=dba@example.com",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "0 * * * * /usr/bin/mysqlhotcopy --allowold -u root -p 'S3cr3t!' game_db log_db /backup/hotcopy "
                    + ">> /var/log/hotcopy.log 2>&1");

    @Test
    void fieldReportLineGivesTheJobWithoutItsPassword() {
        ParsedCrontab c = CrontabParser.parse(FIELD_REPORT);
        assertEquals(Map.of("MAILTO", "dba@example.com",
                "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), c.environment());
        assertEquals(1, c.jobs().size());
        HotcopyJob j = c.jobs().get(0);
        assertEquals(4, j.lineNumber());
        assertEquals("0 * * * *", j.schedule());
        assertEquals("mysqlhotcopy", j.tool());
        assertEquals("root", j.user());
        assertTrue(j.passwordInLine());
        assertEquals(List.of("game_db", "log_db"), j.databases());
        assertEquals("/backup/hotcopy", j.targetDir());
        assertEquals(List.of("allowold"), j.flags());
        assertFalse(j.line().contains("S3cr3t"), j.line());
        assertFalse(j.toString().contains("S3cr3t"));
        assertTrue(c.warnings().get(0).startsWith("line 4: the crontab holds a password"), c.warnings().toString());
    }

    @Test
    void everyOptionSpelling() {
        ParsedCrontab c = CrontabParser.parse(List.of(
                "SHELL=/bin/bash",
                "  30   2 * * 1-5   mariadb-hotcopy --user=backup --password=x --socket=/run/mysqld/mysqld.sock "
                        + "--keepold --addtodest --regexp='^shop_' /srv/copies",
                "@hourly mysqlhotcopy -ubk -pxx -h 10.0.0.7 -P3307 --noindices 'shop./^(orders|items)$/' /srv/h >/dev/null",
                "15 */2 * * * cd /tmp && /opt/mysql/bin/mysqlhotcopy --host=db2 --port 3308 -S /tmp/m.sock a b c; echo done"));
        assertEquals(3, c.jobs().size());
        HotcopyJob a = c.jobs().get(0);
        assertEquals("30 2 * * 1-5", a.schedule());
        assertEquals("mariadb-hotcopy", a.tool());
        assertEquals("backup", a.user());
        assertTrue(a.passwordInLine());
        assertEquals("/run/mysqld/mysqld.sock", a.socket());
        assertEquals(List.of("keepold", "addtodest"), a.flags());
        assertEquals(List.of("^shop_"), a.regexps());
        assertEquals(List.of(), a.databases());
        assertEquals("/srv/copies", a.targetDir());

        HotcopyJob b = c.jobs().get(1);
        assertEquals("@hourly", b.schedule());
        assertEquals("bk", b.user());
        assertEquals("10.0.0.7", b.host());
        assertEquals(3307, b.port());
        assertEquals(List.of("shop"), b.databases());
        assertEquals(List.of("/^(orders|items)$/"), b.regexps());
        assertEquals("/srv/h", b.targetDir());
        assertFalse(b.line().contains("-pxx"), b.line());

        HotcopyJob d = c.jobs().get(2);
        assertEquals("db2", d.host());
        assertEquals(3308, d.port());
        assertEquals("/tmp/m.sock", d.socket());
        assertEquals(List.of("a", "b", "c"), d.databases());
        assertNull(d.targetDir());
        assertFalse(d.passwordInLine());
        assertNull(d.user());
    }

    @Test
    void systemCrontabUserFieldCommentsAndOtherJobs() {
        ParsedCrontab c = CrontabParser.parse(List.of(
                "# /etc/crontab",
                "#0 * * * * root mysqlhotcopy old_db /old",
                "17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly",
                "0 3 * * * root /usr/bin/mysqlhotcopy shop /var/backups/hot",
                "MYSQL_PWD=hunter2",
                "@reboot root mysqlhotcopy shop /var/backups/boot"));
        assertEquals(2, c.jobs().size());
        assertEquals(4, c.jobs().get(0).lineNumber());
        assertEquals(List.of("shop"), c.jobs().get(0).databases());
        assertEquals("/var/backups/hot", c.jobs().get(0).targetDir());
        assertEquals("@reboot", c.jobs().get(1).schedule());
        assertFalse(c.environment().containsKey("MYSQL_PWD"));
        assertTrue(c.warnings().get(0).startsWith("line 5: MYSQL_PWD holds a password"), c.warnings().toString());
        assertFalse(c.warnings().toString().contains("hunter2"));
    }

    /** Every way mariadb-hotcopy's Getopt::Long takes its password, and how the line then reads. */
    @Test
    void redactsEveryPasswordSpellingHotcopyAccepts() {
        Map<String, String> redacted = new java.util.LinkedHashMap<>();
        redacted.put("-p secret", "-p ****");
        redacted.put("-psecret", "-p****");
        redacted.put("-p=secret", "-p=****");
        redacted.put("-p 'a b c'", "-p ****");
        redacted.put("-p \"a b\\\" c\"", "-p ****");
        redacted.put("-p -secret", "-p ****");
        redacted.put("--password=secret", "--password=****");
        redacted.put("--password secret", "--password ****");
        redacted.put("'--password=a b'", "--password=****");
        redacted.put("--pass=secret", "--pass=****");
        redacted.put("--pass secret", "--pass ****");
        redacted.put("--pa secret", "--pa ****");
        redacted.put("--passw=secret", "--passw=****");
        redacted.put("-password secret", "-password ****");
        redacted.put("-pass=secret", "-pass=****");
        redacted.put("--p secret", "--p ****");
        // Not hotcopy's spelling (it stops with "Invalid option"), but the secret is on the line all the same.
        redacted.put("--passwd=secret", "--passwd=****");
        redacted.put("--passwd secret", "--passwd ****");
        for (Map.Entry<String, String> e : redacted.entrySet()) {
            ParsedCrontab c = CrontabParser.parse(List.of(
                    "0 * * * * mysqlhotcopy -u root " + e.getKey() + " shop /backup/hot >> /var/log/h.log 2>&1"));
            HotcopyJob j = c.jobs().get(0);
            assertEquals("0 * * * * mysqlhotcopy -u root " + e.getValue() + " shop /backup/hot >> /var/log/h.log 2>&1",
                    j.line(), e.getKey());
            assertTrue(j.passwordInLine(), e.getKey());
            assertEquals(List.of("shop"), j.databases(), e.getKey());
            assertEquals("/backup/hot", j.targetDir(), e.getKey());
            assertEquals("root", j.user(), e.getKey());
            assertFalse(j.toString().contains("secret") || j.toString().contains("a b"), j.toString());
            assertFalse(c.warnings().toString().contains("secret"), c.warnings().toString());
        }
    }

    @Test
    void passwordsOfTheEnvironmentAndOfOtherCommandsOnTheLineAreCutToo() {
        ParsedCrontab c = CrontabParser.parse(List.of(
                "0 * * * * MYSQL_PWD='env secret' mysqlhotcopy -u root shop /backup/hot "
                        + "&& mysql -u root -pclientsecret -e 'FLUSH LOGS' && mysqladmin --password=admsecret ping"));
        HotcopyJob j = c.jobs().get(0);
        assertEquals("0 * * * * MYSQL_PWD=**** mysqlhotcopy -u root shop /backup/hot "
                + "&& mysql -u root -p**** -e 'FLUSH LOGS' && mysqladmin --password=**** ping", j.line());
        assertTrue(j.passwordInLine());
        assertTrue(c.warnings().get(0).startsWith("line 1: the hotcopy command is given a password in its "
                + "environment"), c.warnings().toString());
    }

    @Test
    void optionsAreFoundByTheirAbbreviationsAndNegations() {
        HotcopyJob j = CrontabParser.parse(List.of(
                "@daily mysqlhotcopy --us=bk --ho db9 --po 3309 --noallowold --no-keepold --noindices -q shop /x"))
                .jobs().get(0);
        assertEquals("bk", j.user());
        assertEquals("db9", j.host());
        assertEquals(3309, j.port());
        assertEquals(List.of("no-allowold", "no-keepold", "noindices", "quiet"), j.flags());
        assertEquals(List.of("shop"), j.databases());
        assertFalse(j.passwordInLine());
    }
}
