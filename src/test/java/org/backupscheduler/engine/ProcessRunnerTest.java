package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.config.EngineConfig.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A started tool (a throw-away server) runs until stopped by its pid, and never past its deadline;
 * engine.priority: what the started tool itself sees of its CPU and I/O priority.
 */
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

    @Test
    void lowRunsTheToolUnderNiceAndIonice(@TempDir Path dir) throws Exception {
        // `nice` and `ionice` without arguments print the priority they run at.
        assertEquals("19", run(dir.resolve("nice.log"), Priority.LOW, "nice"));
        assertEquals("best-effort: prio 7", run(dir.resolve("ionice.log"), Priority.LOW, "ionice"));
    }

    @Test
    void normalLeavesThePriorityAsItIs(@TempDir Path dir) throws Exception {
        String ours = new String(new ProcessBuilder("nice").start().getInputStream().readAllBytes()).strip();
        assertEquals(ours, run(dir.resolve("nice.log"), Priority.NORMAL, "nice"));
        assertEquals(List.of("nice"), ProcessRunner.at(Priority.NORMAL, List.of("nice")));
    }

    @Test
    void theResultNamesTheToolNotTheWrapper(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("false.log");
        Files.createFile(log);
        ProcessResult r = new ProcessRunner(List.of("false"), log, Duration.ofSeconds(30), Priority.LOW).run();
        assertEquals(1, r.exitCode());
        assertTrue(r.describe().startsWith("false"), r.describe());
    }

    private static String run(Path log, Priority priority, String tool) throws Exception {
        Files.createFile(log);
        ProcessResult r = new ProcessRunner(List.of(tool), log, Duration.ofSeconds(30), priority).run();
        assertTrue(r.succeeded(), r.toString());
        return Files.readString(log).strip();
    }
}
