package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {
    @Test
    void fileNamesAreDecodedToTableNames(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("sys"));
        Files.createFile(data.resolve("sys/x@0024host_summary.frm"));
        Files.createDirectories(data.resolve("my@002ddb"));
        Files.createFile(data.resolve("my@002ddb/db.opt"));
        Files.createFile(data.resolve("my@002ddb/plain.frm"));
        Files.createFile(data.resolve("my@002ddb/plain.ibd"));

        assertEquals(Map.of("sys", List.of("x$host_summary"), "my-db", List.of("plain")), Inventory.of(data));
        assertEquals("a@b", Inventory.decode("a@b"), "an @ not followed by four hex digits stays");
    }
}
