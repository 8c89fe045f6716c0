package org.backupscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster status} on the embedded catalog: no cluster, and it says so (FleetIT has the real one). */
class ClusterStatusTest {
    @TempDir
    Path dir;

    @Test
    void anEmbeddedCatalogHasNoClusterAndSaysSo() throws Exception {
        Path pw = TestSetup.passwordFile(dir, "pw", "secret");
        Path config = Files.writeString(dir.resolve("backup.yml"), String.join("\n", "instance: db1",
                "repository: " + dir.resolve("repo"), "source:", "  host: 127.0.0.1", "  user: backup",
                "  password-file: " + pw, ""));
        Result text = TestSetup.cli("--config", config.toString(), "cluster", "status");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().startsWith("no cluster: the catalog is an embedded H2 file (jdbc:h2:file:"), text.out());
        assertTrue(text.out().contains("(nothing runs)"), text.out());
        Result json = TestSetup.cli("--config", config.toString(), "cluster", "status", "--json");
        assertEquals(0, json.exitCode(), json.toString());
        JsonNode tree = new ObjectMapper().readTree(json.out());
        assertEquals(false, tree.get("clustered").asBoolean());
        assertEquals(0, tree.get("nodes").size());
        assertEquals(0, tree.get("running").size());
    }
}
