package org.backupscheduler.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Deliberate damage for the demo: one bit flipped in the biggest table file of a backup. */
public final class Damage {
    private Damage() {
    }

    /** Flips one bit in the middle of the largest file under {@code backupDir}/data/shop; returns it. */
    public static Path flipOneBit(Path backupDir) throws IOException {
        Path file;
        try (var files = Files.list(backupDir.resolve("data/shop"))) {
            file = files.filter(Files::isRegularFile).max(Comparator.comparingLong(Damage::size)).orElseThrow(() ->
                    new IOException("no table files in " + backupDir));
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
        return file;
    }

    /** The newest backup folder of {@code instance} in {@code repository}. */
    public static Path newestBackup(Path repository, String instance) throws IOException {
        try (var dirs = Files.list(repository.resolve(instance))) {
            return dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .max(Comparator.comparing(d -> d.getFileName().toString()))
                    .orElseThrow(() -> new IOException("no backups of " + instance));
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
