package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one guarded delete: what it removes, and everything it refuses, with why. */
class OwnedFoldersTest {
    @TempDir
    Path repo;

    private Path instanceDir;

    @BeforeEach
    void layout() throws IOException {
        instanceDir = Files.createDirectories(repo.resolve("db1"));
    }

    private Path backup(String id, String... files) throws IOException {
        Path dir = Files.createDirectories(instanceDir.resolve(id));
        for (String f : files) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "x");
        }
        return dir;
    }

    @Test
    void deletesABackupFolderThatCarriesOneOfOurMarks() throws IOException {
        for (String mark : List.of("manifest.json", "backup.log", "FAILED", "legacy.json")) {
            Path dir = backup("20261124-091500F", mark, "data/ibdata1", "data/mysql/user.frm");
            assertTrue(OwnedFolders.deleteBackup(instanceDir, "20261124-091500F"), mark);
            assertFalse(Files.exists(dir), mark);
        }
        assertFalse(OwnedFolders.deleteBackup(instanceDir, "20261124-091500F"), "nothing there: nothing done");
        Path empty = backup("20261124-101500F");
        assertTrue(OwnedFolders.deleteBackup(instanceDir, "20261124-101500F"));
        assertFalse(Files.exists(empty));
    }

    @Test
    void neverTheInstanceFolderOrAnythingOutsideIt() throws IOException {
        backup("20261124-091500F", "manifest.json");
        for (String id : List.of("", ".", "..", "../db1", "a/b", "/tmp")) {
            OwnedFolders.Refused r = assertThrows(OwnedFolders.Refused.class,
                    () -> OwnedFolders.deleteBackup(instanceDir, id), id);
            assertTrue(r.getMessage().endsWith(": '" + id + "' is not a backup id"), r.getMessage());
        }
        assertTrue(Files.isRegularFile(instanceDir.resolve("20261124-091500F/manifest.json")));
    }

    @Test
    void refusesAFolderWithoutOurMarksALinkAndADatadir() throws IOException {
        backup("hotcopy-shop-1234abcd", "shop/orders.MYD");
        assertRefused("hotcopy-shop-1234abcd", "it carries none of our marks (manifest.json, backup.log, FAILED, "
                + "legacy.json)");

        Path elsewhere = Files.createDirectories(repo.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("manifest.json"), "{}");
        Files.createSymbolicLink(instanceDir.resolve("20261124-091500F"), elsewhere);
        assertRefused("20261124-091500F", "not a folder (a link or a file)");
        assertTrue(Files.exists(elsewhere.resolve("manifest.json")));

        backup("20261124-101500F", "backup.log", "ibdata1", "mysql/user.frm");
        assertRefused("20261124-101500F", "it holds ibdata1 at its top, as a datadir does");
    }

    private void assertRefused(String id, String why) {
        OwnedFolders.Refused r = assertThrows(OwnedFolders.Refused.class,
                () -> OwnedFolders.deleteBackup(instanceDir, id));
        assertEquals("not deleting " + instanceDir.resolve(id) + ": " + why, r.getMessage());
        assertTrue(Files.exists(instanceDir.resolve(id)), "still there: " + id);
    }

    @Test
    void partialDataGoesAndTheLogAndMarkerStay() throws IOException {
        Path dir = backup("20261124-091500F", "backup.log", "FAILED", "data/ibdata1", "data/shop/t.ibd",
                "data.xbstream.zst");
        long freed = OwnedFolders.deletePartialData(instanceDir, "20261124-091500F");
        assertEquals(3, freed);
        try (var left = Files.list(dir)) {
            assertEquals(List.of("FAILED", "backup.log"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void scratchIsDeletedOnlyWithItsOwnMarkerAndMode() throws IOException {
        Path scratch = instanceDir.resolve(".verify-x-1");
        OwnedFolders.makeScratch(scratch);
        Files.createDirectories(scratch.resolve("data/mysql"));
        OwnedFolders.deleteScratch(scratch);
        assertFalse(Files.exists(scratch));

        // A folder that merely looks like one: a marker copied from another scratch folder.
        Path other = instanceDir.resolve(".verify-x-2");
        OwnedFolders.makeScratch(other);
        Path fake = Files.createDirectories(instanceDir.resolve(".verify-x-3"));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Files.copy(other.resolve(OwnedFolders.SCRATCH_MARKER), fake.resolve(OwnedFolders.SCRATCH_MARKER));
        OwnedFolders.Refused r = assertThrows(OwnedFolders.Refused.class, () -> OwnedFolders.deleteScratch(fake));
        assertTrue(r.getMessage().endsWith("it has no .backup-scheduler-scratch naming this folder, so it is no "
                + "scratch folder of ours"), r.getMessage());

        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwxr-xr-x"));
        r = assertThrows(OwnedFolders.Refused.class, () -> OwnedFolders.deleteScratch(other));
        assertTrue(r.getMessage().endsWith("mode rwxr-xr-x, and our scratch folders are rwx------ (0700)"),
                r.getMessage());
        assertTrue(Files.isDirectory(other) && Files.isDirectory(fake));
    }
}
