package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The restore's --use-memory: half of MemAvailable, between the engine's default and a cap. */
class PrepareMemoryTest {
    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024 * MIB;

    @Test
    void halfOfWhatIsAvailableInWholeMib() {
        assertEquals(2 * GIB, PrepareMemory.forAvailable(4 * GIB));
        assertEquals(500 * MIB, PrepareMemory.forAvailable(1000 * MIB + 123));
        assertEquals(0, PrepareMemory.forAvailable(3 * GIB + 12345) % MIB, "whole MiB");
    }

    @Test
    void neverBelowTheEngineDefaultNorAboveTheCap() {
        assertEquals(100 * MIB, PrepareMemory.forAvailable(0));
        assertEquals(100 * MIB, PrepareMemory.forAvailable(-5));
        assertEquals(100 * MIB, PrepareMemory.forAvailable(150 * MIB));
        assertEquals(8 * GIB, PrepareMemory.forAvailable(256 * GIB));
        assertEquals(8 * GIB, PrepareMemory.forAvailable(16 * GIB));
    }

    @Test
    void neverMoreThanTheDataItPrepares() {
        assertEquals(1024 * MIB, PrepareMemory.forAvailable(20 * GIB, GIB), "1 GiB of data: 1 GiB, not 8");
        assertEquals(301 * MIB, PrepareMemory.forAvailable(20 * GIB, 300 * MIB + 1), "rounded up to a MiB");
        assertEquals(100 * MIB, PrepareMemory.forAvailable(20 * GIB, 5 * MIB), "still the engine's default");
        assertEquals(2 * GIB, PrepareMemory.forAvailable(4 * GIB, 64 * GIB), "free memory bounds first");
        assertEquals(8 * GIB, PrepareMemory.forAvailable(64 * GIB, 0), "unknown size: the cap");
    }

    @Test
    void memAvailableIsReadFromProcMeminfoInKb() {
        String meminfo = "MemTotal:       24683548 kB\nMemFree:        18236880 kB\nMemAvailable:   21222696 kB\n"
                + "Buffers:          123 kB\n";
        assertEquals(OptionalLong.of(21222696L * 1024), PrepareMemory.memAvailable(meminfo));
        assertEquals(OptionalLong.empty(), PrepareMemory.memAvailable("MemTotal: 1 kB\n"), "an old kernel has none");
        assertEquals(OptionalLong.empty(), PrepareMemory.memAvailable("MemAvailable: lots kB\n"));
        long here = PrepareMemory.here(0);
        assertTrue(here >= PrepareMemory.FLOOR && here <= PrepareMemory.CAP, String.valueOf(here));
    }

    @Test
    void thePrepareArgvCarriesItInMib() {
        EngineCommands commands = new EngineCommands(new EngineTool(Flavor.MARIABACKUP, Path.of("/usr/bin/mariabackup"),
                "10.11.19-MariaDB"));
        assertEquals(List.of("/usr/bin/mariabackup", "--prepare", "--target-dir=/w/data", "--use-memory=2048M"),
                commands.prepare(Path.of("/w/data"), null, false, 2 * GIB));
        assertEquals(List.of("/usr/bin/mariabackup", "--prepare", "--target-dir=/w/data"),
                commands.prepare(Path.of("/w/data"), null, false), "verification keeps the engine's default");
    }
}
