package org.backupscheduler.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local driver: the contract, today's folder layout read as objects, modes, no temp file left. */
class LocalStorageTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheContract() throws IOException {
        StorageContract.all(new LocalStorage(dir.resolve("repo")));
    }

    @Test
    void todaysFolderLayoutReadsAsObjects() throws IOException {
        Path backup = dir.resolve("repo/db1/20260101T000000Z");
        Files.createDirectories(backup.resolve("data/mysql"));
        Files.writeString(backup.resolve("manifest.json"), "{}");
        Files.writeString(backup.resolve("data/mysql/db.opt"), "x");
        Files.writeString(backup.resolve("data/#ib_16384_0.dblwr"), "y");
        LocalStorage s = new LocalStorage(dir.resolve("repo"));
        assertEquals(List.of("db1/20260101T000000Z/data/#ib_16384_0.dblwr", "db1/20260101T000000Z/data/mysql/db.opt",
                "db1/20260101T000000Z/manifest.json"), s.list("db1/").stream().map(StoredObject::key).toList());
        try (InputStream in = s.get("db1/20260101T000000Z/manifest.json")) {
            assertEquals("{}", new String(in.readAllBytes()));
        }
    }

    @Test
    void filesAre0600InFolders0700AndAFailedPutLeavesNoTempFile() throws IOException {
        LocalStorage s = new LocalStorage(dir.resolve("repo"));
        s.put("db1/b1/obj", TestStreams.pattern(10, 1));
        assertEquals("rw-------", mode(dir.resolve("repo/db1/b1/obj")));
        assertEquals("rwx------", mode(dir.resolve("repo/db1/b1")));
        assertEquals("rwx------", mode(dir.resolve("repo/db1")));
        assertThrows(IOException.class, () -> s.put("db1/b1/other", TestStreams.failingAfter(100, 2)));
        try (var files = Files.list(dir.resolve("repo/db1/b1"))) {
            assertEquals(List.of("obj"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
