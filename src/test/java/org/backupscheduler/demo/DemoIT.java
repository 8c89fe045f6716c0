package org.backupscheduler.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;

/** What README promises of {@code bin/backup demo}: exit 0, the whole story shown, nothing left behind. */
class DemoIT {
    @Test
    void demoShowsCompletedBackupsAndCleansUp() {
        Result r = TestSetup.cli("demo", "--rows", "2000");

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("$ backup list"), r.out());
        assertTrue(Pattern.compile("backup \\d{8}-\\d{6}F (COMPLETED|VERIFIED)").matcher(r.out()).find(), r.out());
        // Each part of the story the README tells, as the user sees it.
        assertTrue(r.out().contains("VERIFIED -> INVALID"), "the damaged backup is caught: " + r.out());
        assertTrue(r.out().contains("the blocker was killed after the threshold"), "the pile-up is ended: " + r.out());
        assertTrue(r.out().contains("Lock-policy actions: 1 decision(s) in the window, 1 kill(s)"), r.out());
        assertTrue(r.out().contains("replica is not replicating"), "the broken replica is refused: " + r.out());
        assertTrue(Pattern.compile("restore \\S+ DONE: replica replica1").matcher(r.out()).find(),
                "the replica is rebuilt: " + r.out());
        assertTrue(Pattern.compile("OK +replica1: Slave_IO_Running: Yes, Slave_SQL_Running: Yes").matcher(r.out())
                .find(), "and replicates again: " + r.out());
        Matcher home = Pattern.compile("ready in [0-9.]+s under (\\S+)").matcher(r.out());
        assertTrue(home.find(), r.out());
        assertFalse(Files.exists(Path.of(home.group(1))), "the demo removes its servers' directory");
        Matcher pid = Pattern.compile("primary: mariadbd pid (\\d+)").matcher(r.out());
        assertTrue(pid.find(), r.out());
        assertFalse(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
                "the demo's primary is stopped");
    }
}
