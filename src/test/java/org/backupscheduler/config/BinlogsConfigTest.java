package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code binlogs:}: off by default; on/off, stream/poll, and the two durations. */
class BinlogsConfigTest {
    @TempDir
    Path dir;

    private BinlogsConfig load(String binlogs) {
        Path file = dir.resolve("backup.yml");
        try {
            ConfigTrust.write(file, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                    "  host: 127.0.0.1", "  user: backup", binlogs, ""));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ConfigLoader.load(file).binlogs();
    }

    @Test
    void theArchiveIsOffUnlessAskedFor() {
        BinlogsConfig none = load("");
        assertEquals(BinlogsConfig.Archive.OFF, none.archive());
        assertEquals(BinlogsConfig.Mode.STREAM, none.mode());
        assertEquals(Duration.ofSeconds(30), none.maxDelay());
        assertEquals(Duration.ofMinutes(1), none.interval());
    }

    @Test
    void allFourKeysAsTheContractSpellsThem() {
        BinlogsConfig c = load("binlogs:\n  archive: on\n  mode: poll\n  max-delay: 10s\n  interval: 2m");
        assertTrue(c.on());
        assertEquals(BinlogsConfig.Mode.POLL, c.mode());
        assertEquals(Duration.ofSeconds(10), c.maxDelay());
        assertEquals(Duration.ofMinutes(2), c.interval());
    }

    @Test
    void aModeThatIsNotStreamOrPollStopsWithTheAllowedValues() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("binlogs:\n  mode: tail"));
        assertTrue(e.getMessage().contains("bad value 'tail' for binlogs.mode"), e.getMessage());
        assertTrue(e.getMessage().contains("expected one of stream, poll"), e.getMessage());
    }
}
