package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics:}: its keys may each be left out. */
class MetricsConfigTest {
    @TempDir
    Path dir;

    private MetricsConfig load(String metrics) throws Exception {
        Path file = dir.resolve("backup.yml");
        ConfigTrust.write(file, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                "  host: 127.0.0.1", "  user: backup", metrics, ""));
        return ConfigLoader.load(file).metrics();
    }

    @Test
    void detailsAreOffUnlessSaidSo() throws Exception {
        assertEquals(new MetricsConfig("127.0.0.1:9104", false), load(""));
        assertEquals(new MetricsConfig("127.0.0.1:9200", false), load("metrics:\n  listen: 127.0.0.1:9200"));
        assertEquals(new MetricsConfig("127.0.0.1:9104", true), load("metrics:\n  details: true"));
    }
}
