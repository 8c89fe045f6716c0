package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A started tool (a throw-away server) runs until stopped by its pid, and never past its deadline. */
class ProcessRunnerTest {
    @TempDir
    Path dir;

    @Test
    void aStartedToolRunsUntilStoppedAndLogsToItsFile() throws Exception {
        ProcessRunner server = new ProcessRunner(List.of("/bin/sh", "-c", "echo listening; exec sleep 60"),
                dir.resolve("server.log"), Duration.ofMinutes(5));
        server.start();
        long pid = server.pid();
        long ready = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.size(dir.resolve("server.log")) == 0 && System.nanoTime() < ready) {
            Thread.sleep(20);
        }
        assertEquals(List.of("listening"), Files.readAllLines(dir.resolve("server.log")), "its output goes to its log");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "runs after start() returned");

        server.stop(Duration.ofSeconds(5));

        assertFalse(server.isAlive());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopped by its pid");
    }

    @Test
    void aStartedToolThatIsNeverStoppedEndsAtItsDeadline() throws Exception {
        ProcessRunner forgotten = new ProcessRunner(List.of("sleep", "60"), dir.resolve("sleep.log"),
                Duration.ofMillis(300));
        forgotten.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (forgotten.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(forgotten.isAlive(), "ended at its deadline, not after 60 s");
    }
}
