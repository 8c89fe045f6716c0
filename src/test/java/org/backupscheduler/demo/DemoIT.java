package org.backupscheduler.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;

/** What README promises of {@code bin/backup demo}: exit 0, the whole story shown, nothing left behind. */
class DemoIT {
    @Test
    void demoShowsCompletedBackupsAndCleansUp() throws Exception {
        // What bin/backup demo runs first: S3Proxy's jars into target/s3proxy/, where the demo looks.
        Process fetch = new ProcessBuilder("bin/fetch-s3proxy").inheritIO().start();
        assertEquals(0, fetch.waitFor(), "bin/fetch-s3proxy");

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
        assertOffHostStep(r.out());
        Matcher home = Pattern.compile("ready in [0-9.]+s under (\\S+)").matcher(r.out());
        assertTrue(home.find(), r.out());
        assertFalse(Files.exists(Path.of(home.group(1))), "the demo removes its servers' directory");
        Matcher pid = Pattern.compile("primary: mariadbd pid (\\d+)").matcher(r.out());
        assertTrue(pid.find(), r.out());
        assertFalse(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
                "the demo's primary is stopped");
    }

    /**
     * Step 11, a backup leaving the host: the bucket holds the backup's chunks and, written last,
     * its manifest; this host holds only its small files; verify, the catalog rebuilt from the
     * store alone and a restore from it succeed; S3Proxy is stopped.
     */
    private static void assertOffHostStep(String out) {
        String step = out.substring(out.indexOf("== 11."), out.indexOf("== 12."));
        assertFalse(step.contains("skipped"), step);
        Matcher run = Pattern.compile("\\$ backup run\\n(?s:.*?)backup (\\d{8}-\\d{6}F) VERIFIED").matcher(step);
        assertTrue(run.find(), "the backup into the store is VERIFIED: " + step);
        String id = run.group(1);
        List<String> bucket = step.substring(step.indexOf("In the bucket"), step.indexOf("On this host")).lines()
                .skip(1).map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertTrue(bucket.get(0).matches("offsite/demo/" + id + "/chunks/\\* +\\d+ chunk objects, [0-9.]+ MiB"),
                "the stream as chunk objects, written first: " + bucket);
        assertTrue(bucket.get(bucket.size() - 1).startsWith("offsite/demo/" + id + "/manifest.json "),
                "the bucket holds the backup's manifest, written last: " + bucket);
        assertTrue(Pattern.compile("On this host, \\S+/state/demo/" + id + ": \\d+ small files, [0-9.]+ KiB \\("
                + "[^)]*\\); the backup's [0-9.]+ MiB lie only in the bucket").matcher(step).find(),
                "no backup data on this host's disk, only the log and small files: " + step);
        assertTrue(step.contains("$ backup verify --latest\n") && step.contains("backup " + id + ": VERIFIED"), step);
        assertTrue(Pattern.compile(id + " +fetched +small files from s3://backups/offsite").matcher(step).find(),
                "the catalog is rebuilt from the store alone: " + step);
        assertTrue(Pattern.compile(id + " +full +VERIFIED").matcher(step).find(), "and lists the backup: " + step);
        assertTrue(Pattern.compile("restore \\S+ DONE: replica replica1 from backup " + id).matcher(step).find(),
                "the replica is rebuilt from the store: " + step);
        Matcher pid = Pattern.compile("S3Proxy pid (\\d+) on http://127\\.0\\.0\\.1:\\d+").matcher(step);
        assertTrue(pid.find(), step);
        assertFalse(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
                "S3Proxy is stopped");
    }
}
