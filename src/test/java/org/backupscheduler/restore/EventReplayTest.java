package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipe {@code events | client} and how it judges the outcome, with stand-in programs for the
 * two ends (sh printing what mariadb-binlog prints, cat as the client).
 */
class EventReplayTest {
    @TempDir
    Path dir;

    private Path log() throws IOException {
        return Files.createFile(dir.resolve("replay.log"));
    }

    private static List<String> events(String script) {
        return List.of("sh", "-c", script);
    }

    @Test
    void theEventsReachTheClient() throws Exception {
        Path log = log();
        Path received = dir.resolve("received.sql");

        EventReplay.apply(events("echo 'INSERT INTO t VALUES (1);'"), List.of("sh", "-c", "cat > " + received), log,
                Duration.ofSeconds(30));

        assertEquals("INSERT INTO t VALUES (1);\n", Files.readString(received));
    }

    @Test
    void eventsThatEndBeforeAGtidTargetFailThoughTheToolExitsZero() throws Exception {
        Path log = log();
        // What mariadb-binlog 10.11 does when --stop-position names a GTID it never met.
        IOException e = assertThrows(IOException.class, () -> EventReplay.apply(events(
                "echo 'SELECT 1;'; echo 'WARNING: Did not reach stop position 0-1-99 before end of input' >&2"),
                List.of("cat"), log, Duration.ofSeconds(30)));

        assertEquals("the events ended before the target: mariadb-binlog said 'WARNING: Did not reach stop position "
                + "0-1-99 before end of input'; log " + log, e.getMessage());
    }

    @Test
    void aFailingClientIsNamedFirst() throws Exception {
        Path log = log();
        IOException e = assertThrows(IOException.class, () -> EventReplay.apply(events("echo 'SELECT 1;'"),
                List.of("sh", "-c", "cat >/dev/null; echo 'ERROR 1146 (42S02) at line 1: Table doesnt exist' >&2; "
                        + "exit 1"), log, Duration.ofSeconds(30)));

        assertTrue(e.getMessage().startsWith("mariadb exited 1 applying the events (mariadb-binlog exited 0); log "
                + log + ": ERROR 1146 (42S02) at line 1"), e.getMessage());
    }

    @Test
    void aFailingReaderFailsTheReplay() throws Exception {
        Path log = log();
        IOException e = assertThrows(IOException.class, () -> EventReplay.apply(events(
                "echo 'ERROR: Got error reading packet from server: Access denied' >&2; exit 1"), List.of("cat"), log,
                Duration.ofSeconds(30)));

        assertTrue(e.getMessage().startsWith("mariadb-binlog exited 1 reading the events; log " + log
                + ": ERROR: Got error reading packet"), e.getMessage());
    }
}
