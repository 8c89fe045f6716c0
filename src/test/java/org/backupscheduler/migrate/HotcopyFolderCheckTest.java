package org.backupscheduler.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken copies, built by hand: the real copy is in LegacyImportIT. */
class HotcopyFolderCheckTest {

    @TempDir
    Path dir;

    @Test
    void missingFilesAndEmptyDataAreProblems() throws Exception {
        Files.write(dir.resolve("orders.frm"), new byte[]{1});
        Files.write(dir.resolve("orders.MYI"), myi(5, 100));
        Files.write(dir.resolve("orders.MYD"), new byte[0]);
        Files.write(dir.resolve("items.frm"), new byte[]{1});
        Files.write(dir.resolve("items.MYI"), myi(0, 0));
        Files.write(dir.resolve("users.frm"), new byte[]{1});
        Files.write(dir.resolve("users.MYI"), myi(2, 40));
        Files.write(dir.resolve("users.MYD"), new byte[10]);
        LegacyCheck c = HotcopyFolderCheck.check(dir);
        assertFalse(c.valid());
        assertEquals(List.of("table items: items.MYD is missing",
                "table orders: index says 5 rows but orders.MYD is empty",
                "table users: users.MYD has 10 bytes, index says 40 (truncated copy)"), c.problems());
    }

    static byte[] myi(long records, long dataLength) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.put(0, (byte) 0xfe).put(1, (byte) 0xfe).put(2, (byte) 7).put(3, (byte) 1);
        b.putLong(28, records).putLong(68, dataLength);
        return b.array();
    }
}
