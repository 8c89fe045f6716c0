package org.backupscheduler.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;

/**
 * What every driver promises (the {@link Storage} contract), run by {@code StorageContractIT}
 * against the local folder, S3Proxy and OpenSSH's sftp, and by {@code LocalStorageTest}.
 */
final class StorageContract {
    private StorageContract() {
    }

    /** A stream of unknown length larger than one S3 part (so multipart) comes back byte for byte. */
    static void putUnknownLength(Storage s) throws IOException {
        long size = S3Storage.PART_SIZE * 2L + 12345;
        long written = s.put("inst/b1/big", TestStreams.pattern(size, 1));
        assertEquals(size, written);
        assertEquals(size, s.stat("inst/b1/big").orElseThrow().size());
        try (InputStream in = s.get("inst/b1/big")) {
            assertEquals(TestStreams.crc(TestStreams.pattern(size, 1)), TestStreams.crc(in));
        }
        s.put("inst/b1/empty", InputStream.nullInputStream());
        assertEquals(0, s.stat("inst/b1/empty").orElseThrow().size());
        try (InputStream in = s.get("inst/b1/empty")) {
            assertEquals(0, in.readAllBytes().length);
        }
    }

    static void rangedGet(Storage s) throws IOException {
        byte[] all = TestStreams.bytes(100_000, 2);
        s.put("inst/b2/obj", TestStreams.pattern(all.length, 2));
        try (InputStream in = s.get("inst/b2/obj", new ByteRange(70_000, 1000))) {
            assertArrayEquals(Arrays.copyOfRange(all, 70_000, 71_000), in.readAllBytes());
        }
        try (InputStream in = s.get("inst/b2/obj", new ByteRange(99_990, 1000))) {
            assertArrayEquals(Arrays.copyOfRange(all, 99_990, 100_000), in.readAllBytes(), "fewer at the end");
        }
        try (InputStream in = s.get("inst/b2/obj", new ByteRange(5, Long.MAX_VALUE))) {
            assertArrayEquals(Arrays.copyOfRange(all, 5, all.length), in.readAllBytes(), "to the end");
        }
        try (InputStream in = s.get("inst/b2/obj", new ByteRange(100_000, 10))) {
            assertEquals(0, in.readAllBytes().length, "at the end: nothing");
        }
    }

    static void listByPrefix(Storage s) throws IOException {
        for (String k : List.of("l/b/1", "l/b/2", "l/c/3", "l/bb")) {
            s.put(k, TestStreams.pattern(10, 3));
        }
        assertEquals(List.of("l/b/1", "l/b/2"), keys(s.list("l/b/")));
        assertEquals(List.of("l/b/1", "l/b/2", "l/bb"), keys(s.list("l/b")));
        assertEquals(List.of("l/b/1", "l/b/2", "l/bb", "l/c/3"), keys(s.list("l/")));
        assertEquals(List.of(), keys(s.list("nothing/")));
        assertEquals(10, s.list("l/c/").get(0).size());
    }

    static void delete(Storage s) throws IOException {
        s.put("d/x", TestStreams.pattern(10, 4));
        assertTrue(s.exists("d/x"));
        s.delete("d/x");
        assertFalse(s.exists("d/x"));
        s.delete("d/x"); // gone already: nothing
        assertEquals(List.of(), keys(s.list("d/")));
    }

    /** A put that fails midway leaves the old object whole, and no temp name is listed. */
    static void overwriteIsAtomic(Storage s) throws IOException {
        s.put("o/obj", TestStreams.pattern(50_000, 5));
        IOException e = assertThrows(IOException.class,
                () -> s.put("o/obj", TestStreams.failingAfter(S3Storage.PART_SIZE + 1000L, 6)));
        assertTrue(String.valueOf(e.getMessage()).contains("on purpose"), e::toString);
        try (InputStream in = s.get("o/obj")) {
            assertArrayEquals(TestStreams.bytes(50_000, 5), in.readAllBytes());
        }
        assertEquals(List.of("o/obj"), keys(s.list("o/")));
        s.put("o/obj", TestStreams.pattern(60_000, 7));
        try (InputStream in = s.get("o/obj")) {
            assertArrayEquals(TestStreams.bytes(60_000, 7), in.readAllBytes());
        }
        IOException failedNew = assertThrows(IOException.class, () -> s.put("o/new", TestStreams.failingAfter(10, 8)));
        assertTrue(String.valueOf(failedNew.getMessage()).contains("on purpose"), failedNew::toString);
        assertFalse(s.exists("o/new"), "a failed put leaves no object");
        assertEquals(List.of("o/obj"), keys(s.list("o/")));
    }

    static void missingKey(Storage s) throws IOException {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> s.get("m/none").close());
        assertTrue(e.getMessage().contains("m/none"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> s.get("m/none", new ByteRange(1, 2)).close());
        assertTrue(s.stat("m/none").isEmpty());
        assertFalse(s.exists("m/none"));
    }

    static void refusesBadKeys(Storage s) {
        for (String bad : List.of("../x", "a/../b", "/abs", "a//b", "a/.tmp", "")) {
            assertThrows(IllegalArgumentException.class, () -> s.put(bad, InputStream.nullInputStream()), bad);
        }
    }

    static void all(Storage s) throws IOException {
        putUnknownLength(s);
        rangedGet(s);
        listByPrefix(s);
        delete(s);
        overwriteIsAtomic(s);
        missingKey(s);
        refusesBadKeys(s);
    }

    private static List<String> keys(List<StoredObject> objects) {
        return objects.stream().map(StoredObject::key).toList();
    }
}
