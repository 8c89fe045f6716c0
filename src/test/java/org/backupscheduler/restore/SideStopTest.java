package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup restore --stop DIR} signals the recorded process only while it is that very
 * process: same pid, same start time, started on DIR. Stand-ins for the side server are plain
 * processes of this test (python sleeping, its argv naming the datadir as mariadbd's would).
 */
class SideStopTest {
    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void end() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process sleeper(Path datadir) throws Exception {
        process = new ProcessBuilder("python3", "-c", "import time; time.sleep(300)", "--datadir=" + datadir).start();
        while (ProcessHandle.of(process.pid()).flatMap(h -> h.info().commandLine()).isEmpty()) {
            Thread.sleep(20);
        }
        return process;
    }

    private void record(Path datadir, long pid, long startedAtMillis) throws Exception {
        new ServeRecord(pid, startedAtMillis, datadir.toString(), SideServer.socket(datadir).toString()).write();
    }

    private static long started(Process p) {
        return p.toHandle().info().startInstant().orElseThrow().toEpochMilli();
    }

    @Test
    void theRecordedProcessIsStoppedAndItsRecordRemoved() throws Exception {
        Process p = sleeper(dir);
        record(dir, p.pid(), started(p));

        Result stop = TestSetup.cli("restore", "--stop", dir.toString());

        assertEquals(0, stop.exitCode(), stop.toString());
        assertEquals("stopped the side server (pid " + p.pid() + ") on " + dir + "; the copy stays in " + dir + "\n",
                stop.out());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "it ended");
        assertFalse(Files.exists(ServeRecord.file(dir)), "the record is gone");
    }

    @Test
    void aPidNowHeldByAnotherProcessIsNotSignalled() throws Exception {
        Process p = sleeper(dir);
        record(dir, p.pid(), started(p) - 60_000);

        Result stop = TestSetup.cli("restore", "--stop", dir.toString());

        assertEquals(2, stop.exitCode(), stop.toString());
        assertTrue(stop.err().contains("error: the side server recorded in " + ServeRecord.file(dir) + " has ended "
                + "and pid " + p.pid() + " is now another process"), stop.err());
        assertTrue(stop.err().contains("nothing was signalled"), stop.err());
        assertTrue(p.isAlive(), "the other process runs on");
        assertTrue(Files.exists(ServeRecord.file(dir)), "the record stays for a look");
    }

    @Test
    void aProcessStartedOnAnotherDatadirIsNotSignalled() throws Exception {
        Process p = sleeper(dir.resolve("elsewhere"));
        record(dir, p.pid(), started(p));

        Result stop = TestSetup.cli("restore", "--stop", dir.toString());

        assertEquals(2, stop.exitCode(), stop.toString());
        assertTrue(stop.err().contains("nothing was signalled"), stop.err());
        assertTrue(p.isAlive(), "the other process runs on");
    }

    @Test
    void aServerThatAlreadyEndedIsSaidSoAndItsRecordRemoved() throws Exception {
        Process p = sleeper(dir);
        long pid = p.pid();
        long started = started(p);
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
        record(dir, pid, started);

        Result stop = TestSetup.cli("restore", "--stop", dir.toString());

        assertEquals(0, stop.exitCode(), stop.toString());
        assertTrue(stop.out().contains("the side server (pid " + pid + ") on " + dir + " had already ended"), stop.out());
        assertFalse(Files.exists(ServeRecord.file(dir)));
    }

    @Test
    void stopWithNoRecordAndStopWithOtherOptionsAreRefused() {
        Result none = TestSetup.cli("restore", "--stop", dir.toString());
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("error: no side server of ours is recorded in " + dir), none.err());

        Result mixed = TestSetup.cli("restore", "--stop", dir.toString(), "--latest");
        assertEquals(2, mixed.exitCode(), mixed.toString());
        assertTrue(mixed.err().contains("--stop DIR takes no other option"), mixed.err());
        assertEquals(List.of(), List.of(dir.toFile().list()));
    }
}
