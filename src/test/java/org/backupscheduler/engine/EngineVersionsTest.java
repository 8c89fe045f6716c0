package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's --version answer, kept per binary in state-dir while the binary stays the same. */
class EngineVersionsTest {
    @Test
    void aBinaryIsAskedOnceUntilItChanges(@TempDir Path dir) throws Exception {
        // A copy of the real engine, so the test can change its mtime as an upgrade would.
        Path installed = new EngineLocator(System.getenv("PATH")).locate("auto").path();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path engine = Files.copy(installed, bin.resolve(installed.getFileName()));
        Path state = Files.createDirectories(dir.resolve("state"));
        EngineLocator locator = new EngineLocator(bin.toString()).remembering(EngineVersions.in(state));

        EngineTool first = locator.locate(engine.toString());
        Path file = state.resolve(EngineVersions.FILE);
        assertTrue(Files.exists(file), "the answer is kept in state-dir");

        // Rewrite the kept answer: a second locate that returns it did not ask the binary.
        Properties kept = load(file);
        String entry = kept.getProperty(engine.toString());
        kept.setProperty(engine.toString(), entry.replace(" " + first.version(), " 99.9.9-kept"));
        store(file, kept);
        assertEquals("99.9.9-kept", locator.locate(engine.toString()).version());

        // The binary changes (an upgrade sets a new mtime): asked again, and the new answer kept.
        Files.setLastModifiedTime(engine, FileTime.fromMillis(Files.getLastModifiedTime(engine).toMillis() - 60_000));
        assertEquals(first.version(), locator.locate(engine.toString()).version());
        assertEquals(first.version(), locator.locate(engine.toString()).version());
        assertTrue(load(file).getProperty(engine.toString()).endsWith(" " + first.version()));
    }

    @Test
    void aMissingStateDirOnlyCostsTheProbe(@TempDir Path dir) {
        EngineLocator locator = EngineLocator.fromEnvironment().remembering(EngineVersions.in(dir.resolve("absent")));
        EngineTool tool = locator.locate("auto");
        assertEquals(EngineLocator.fromEnvironment().locate("auto").version(), tool.version());
        assertTrue(!Files.exists(dir.resolve("absent")));
    }

    private static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    private static void store(Path file, Properties p) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
    }
}
