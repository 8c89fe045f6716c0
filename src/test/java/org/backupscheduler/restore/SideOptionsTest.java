package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;

/** Which {@code restore} options go together: refused (exit 2) before any config is read. */
class SideOptionsTest {

    private static void refused(String expected, String... args) {
        Result r = TestSetup.cli(args);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("error: " + expected), r.err());
    }

    @Test
    void aRestoreNeedsLatestOrId() {
        refused("restore needs --latest or --id ID", "restore", "--replica", "r1");
        refused("restore needs --latest or --id ID", "restore", "--to", "/tmp/x");
    }

    @Test
    void serveAndUntilGtidNeedTo() {
        refused("--serve needs --to DIR", "restore", "--latest", "--serve");
        refused("--until-gtid needs --to DIR", "restore", "--latest", "--until-gtid", "0-1-5");
    }

    @Test
    void oneTargetOnly() {
        refused("--until and --until-gtid both given", "restore", "--latest", "--until", "2026-11-24 14:02:00",
                "--until-gtid", "0-1-5", "--to", "/tmp/x");
    }
}
