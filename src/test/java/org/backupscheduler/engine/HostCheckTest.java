package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class HostCheckTest {
    private static final Path DATADIR = Path.of("/var/lib/mysql");

    @Test
    void freeSpaceIsReadFromDfAndFlaggedUnderFivePercent() {
        // df -Pk on Debian 12, captured
        String plenty = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
                + "/dev/sda1        102400000 51200000  51200000      50% /var/lib/mysql\n";
        assertEquals(new HostCheck.Item(true, "48.8 GiB free of 97.7 GiB on /var/lib/mysql (the datadir's file system)"
                + " on this host", null), HostCheck.freeSpace(EngineHost.LOCAL, DATADIR,
                new EngineHost.CommandOutput(0, plenty)));

        String full = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
                + "/dev/sda1        102400000 99328000   3072000      98% /\n";
        HostCheck.Item low = HostCheck.freeSpace(EngineHost.LOCAL, DATADIR, new EngineHost.CommandOutput(0, full));
        assertEquals(false, low.ok());
        assertEquals("2.9 GiB free of 97.7 GiB on / (the datadir's file system) on this host: under 5%", low.title());
    }

    @Test
    void aDfThatFailedIsAnUnknownNotAZero() {
        HostCheck.Item item = HostCheck.freeSpace(EngineHost.LOCAL, DATADIR,
                new EngineHost.CommandOutput(1, "df: /var/lib/mysql: No such file or directory\n"));
        assertEquals(new HostCheck.Item(false, "free space of /var/lib/mysql on this host unknown: df: /var/lib/mysql: "
                + "No such file or directory", "check that df runs there"), item);
    }

    @Test
    void remoteArgvIsQuotedWordByWord() {
        assertEquals("/usr/bin/mariadb-backup --defaults-extra-file=/tmp/bs-engine-x/client.cnf --backup "
                        + "'--datadir=/srv/my data/' 'it'\\''s' ''",
                SshHost.quote(List.of("/usr/bin/mariadb-backup", "--defaults-extra-file=/tmp/bs-engine-x/client.cnf",
                        "--backup", "--datadir=/srv/my data/", "it's", "")));
        assertEquals("'$(rm -rf /)' '`id`' 'a;b'", SshHost.quote(List.of("$(rm -rf /)", "`id`", "a;b")));
    }
}
