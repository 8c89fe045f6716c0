package org.backupscheduler.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.backupscheduler.backup.FileChecksums;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.catalog.BackupRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore's one read of a backup: data/ copied into the working copy with every file's CRC32C
 * taken on the way; a file that is not what the manifest says fails the copy, named.
 */
class CheckedCopyTest {
    @TempDir
    Path dir;
    private Path backup;

    @BeforeEach
    void backupOfPlainFiles() throws IOException {
        backup = dir.resolve("20260101-000000F");
        Path data = Files.createDirectories(backup.resolve("data/shop"));
        byte[] big = new byte[3 * (1 << 20) + 17]; // more than one buffer, not a multiple of it
        new Random(7).nextBytes(big);
        Files.write(backup.resolve("data/ibdata1"), big);
        Files.writeString(data.resolve("marks.frm"), "frm");
        Files.writeString(backup.resolve("data/xtrabackup_checkpoints"), "backup_type = full-backuped\n");
        Files.setPosixFilePermissions(backup.resolve("data/ibdata1"), PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(backup.resolve("backup.log"), "log");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Manifest.builder().format(Manifest.FORMAT).instance("db1").id(backup.getFileName().toString()).type("full")
                .engine(new BackupRecord.Engine("mariadb-backup", "10.11")).startedAt(t).finishedAt(t.plusSeconds(5))
                .files(FileChecksums.ALGORITHM, FileChecksums.scan(backup, done -> { })).build().write(backup);
    }

    @Test
    void anIntactBackupIsCopiedWholeWithItsModesAndPassesTheSizeOnlyCheck() throws IOException {
        try (Scratch scratch = Scratch.at(dir.resolve("work"))) {
            Path copy = WorkingCopy.checkedCopy(backup, scratch, "data");
            assertEquals(scratch.dir().resolve("data"), copy);
            for (String f : List.of("ibdata1", "shop/marks.frm", "xtrabackup_checkpoints")) {
                assertArrayEquals(Files.readAllBytes(backup.resolve("data").resolve(f)),
                        Files.readAllBytes(copy.resolve(f)), f);
            }
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("ibdata1"))));
            assertEquals(Files.getLastModifiedTime(backup.resolve("data/ibdata1")),
                    Files.getLastModifiedTime(copy.resolve("ibdata1")));
        }
        assertEquals(List.of(), ChecksumCheck.problemsButDataChecksums(backup));
    }

    @Test
    void aFlippedByteIsFoundAsItIsCopiedAndNamedWhileTheSizeOnlyCheckCannotSeeIt() throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(backup.resolve("data/ibdata1").toFile(), "rw")) {
            raf.seek(2 * (1 << 20) + 5);
            int b = raf.read();
            raf.seek(2 * (1 << 20) + 5);
            raf.write(b ^ 0xff);
        }
        assertEquals(List.of(), ChecksumCheck.problemsButDataChecksums(backup), "sizes and presence only");
        try (Scratch scratch = Scratch.at(dir.resolve("work"))) {
            WorkingCopy.Damaged d = assertThrows(WorkingCopy.Damaged.class,
                    () -> WorkingCopy.checkedCopy(backup, scratch, "data"));
            assertEquals(1, d.problems().size(), d.problems().toString());
            assertTrue(d.problems().get(0).startsWith("changed file data/ibdata1: expected CRC32C "), d.getMessage());
            assertEquals(ChecksumCheck.problems(backup), d.problems(), "the same finding as verify's checksum level");
        }
        assertTrue(Files.notExists(dir.resolve("work")), "the working copy is removed");
    }

    @Test
    void missingExtraAndResizedFilesAreFoundByBoth() throws IOException {
        Files.delete(backup.resolve("data/shop/marks.frm"));
        Files.writeString(backup.resolve("data/stray.ibd"), "x");
        Files.writeString(backup.resolve("data/xtrabackup_checkpoints"), "short");
        try (Scratch scratch = Scratch.at(dir.resolve("work"))) {
            WorkingCopy.Damaged d = assertThrows(WorkingCopy.Damaged.class,
                    () -> WorkingCopy.checkedCopy(backup, scratch, "data"));
            assertEquals(List.of("extra file data/stray.ibd (not in the manifest)",
                    "resized file data/xtrabackup_checkpoints: expected 28 bytes, found 5",
                    "missing file data/shop/marks.frm (expected 3 bytes)"), d.problems().stream().sorted(
                            java.util.Comparator.comparing(p -> p.startsWith("extra") ? 0 : p.startsWith("resized") ? 1 : 2))
                    .toList());
        }
        List<String> sizes = ChecksumCheck.problemsButDataChecksums(backup);
        assertEquals(3, sizes.size(), sizes.toString());
    }

    @Test
    void aChangedFileOutsideDataIsStillSummedByThePlan() throws IOException {
        Files.writeString(backup.resolve("backup.log"), "LOG");
        List<String> problems = ChecksumCheck.problemsButDataChecksums(backup);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("changed file backup.log: "), problems.get(0));
    }
}
