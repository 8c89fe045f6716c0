package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine.compress} (none or zstd) and {@code engine.priority} (normal or low): anything else refused naming the key. */
class CompressConfigTest {
    @TempDir
    Path dir;

    private Path config(String compressLine) throws IOException {
        Path pw = dir.resolve("pw");
        if (!Files.exists(pw)) {
            TestSetup.passwordFile(dir, "pw", "secret");
        }
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                "  host: 127.0.0.1", "  port: 1", "  user: backup", "  password-file: " + pw, "engine:",
                "  " + compressLine, ""));
        return file;
    }

    @Test
    void anUnknownCompressionIsRefusedNamingTheKeyTheValueAndTheChoices() throws IOException {
        Result r = TestSetup.cli("--config", config("compress: gzip").toString(), "run");

        assertEquals(2, r.exitCode(), r.toString());
        String[] lines = r.err().strip().split("\n");
        assertEquals(2, lines.length, r.err());
        assertTrue(lines[0].startsWith("error: ") && lines[0].contains("engine.compress") && lines[0].contains("gzip")
                && lines[0].contains("none, zstd"), lines[0]);
        assertTrue(lines[1].startsWith("HINT: "), r.err());
        assertFalse(Files.exists(dir.resolve("repo")), "a refused config changes nothing");
    }

    @Test
    void noneIsTheDefaultAndZstdIsAccepted() throws IOException {
        assertEquals(EngineConfig.Compression.NONE, ConfigLoader.load(config("parallel: 2")).engine().compress());
        assertEquals(EngineConfig.Compression.ZSTD, ConfigLoader.load(config("compress: zstd")).engine().compress());
    }

    @Test
    void priorityIsNormalByDefaultLowOnRequestAndNothingElse() throws IOException {
        assertEquals(EngineConfig.Priority.NORMAL, ConfigLoader.load(config("parallel: 2")).engine().priority());
        assertEquals(EngineConfig.Priority.LOW, ConfigLoader.load(config("priority: low")).engine().priority());
        Result r = TestSetup.cli("--config", config("priority: idle").toString(), "run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("engine.priority") && r.err().contains("normal, low"), r.err());
    }
}
