package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.config.EngineConfig.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine.priority: what the started tool itself sees of its CPU and I/O priority. */
class ProcessRunnerTest {
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
