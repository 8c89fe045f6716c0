package org.backupscheduler.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import org.backupscheduler.Bytes;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.BackupType;
import org.backupscheduler.catalog.Backups;

/**
 * Will the backup fit? Asked before the engine starts, so that a repository that cannot hold
 * the copy gets a FAILED row saying so instead of a disk filled to the last byte, where the
 * embedded catalog (same file system by default) can then no longer be written or even opened.
 * The estimate is what a full backup copies of the datadir; when the datadir cannot be read
 * from here (another host, no permission), the size of the instance's last full backup.
 */
public final class RepositorySpace {
    /**
     * Beside the backup, the catalog and the logs need room to record how it ended: H2 writes
     * whole new chunks, and needs room even to open its file.
     */
    static final long HEADROOM = 4L << 20;
    /** Files in a datadir's top folder that the engine does not copy. */
    private static final Pattern NOT_COPIED = Pattern.compile(
            "ib_logfile\\d+|ibtmp\\d+|.*\\.(pid|err|sock|index)|(?!aria_log\\.).*\\.\\d{6,}");
    /** How a full disk reads in the engine's log, zstd's, H2's and the JVM's messages. */
    private static final Pattern FULL_DISK = Pattern.compile(
            "no space left on device|errno:? 28\\b|error 28\\b|enospc|disk full", Pattern.CASE_INSENSITIVE);

    private RepositorySpace() {
    }

    /** What the backup is expected to take, and what that figure is based on. */
    public record Estimate(long bytes, String basis) {
    }

    /**
     * Why the backup cannot be taken for lack of room in {@code instanceDir}'s file system, or
     * empty when it fits (or cannot be estimated at all: then the engine is let try).
     */
    public static Optional<String> refusal(Path instanceDir, Path datadir, Backups backups, String instance,
                                           BackupType type, boolean compressed) throws IOException {
        Optional<Estimate> estimate = estimate(datadir, backups, instance, type, compressed);
        if (estimate.isEmpty()) {
            return Optional.empty();
        }
        return shortfall(instanceDir, estimate.get().bytes()).map(s -> "not enough space for the backup in "
                + instanceDir + ": " + s + " (" + estimate.get().basis() + ", plus 10% and " + Bytes.human(HEADROOM)
                + " for the catalog); the engine was not started");
    }

    /**
     * "X MiB free, about Y MiB needed" when {@code bytes}, plus 10% and the catalog's headroom, do
     * not fit in the file system of {@code where}; empty when they do.
     */
    public static Optional<String> shortfall(Path where, long bytes) throws IOException {
        FileStore store = Files.getFileStore(where);
        long free = store.getUsableSpace();
        long needed = bytes + bytes / 10 + HEADROOM;
        return free >= needed ? Optional.empty()
                : Optional.of(Bytes.human(free) + " free, about " + Bytes.human(needed) + " needed");
    }

    /**
     * What the datadir holds that the engine copies, for an uncompressed full; otherwise the last
     * backup made the same way when there is one, bounded by the datadir.
     */
    static Optional<Estimate> estimate(Path datadir, Backups backups, String instance, BackupType type,
                                       boolean compressed) {
        long copied = copiedBytes(datadir);
        Estimate fromDatadir = copied < 0 ? null : new Estimate(copied, "the datadir " + datadir + " holds "
                + Bytes.human(copied) + " that a full backup copies");
        if (fromDatadir != null && type == BackupType.FULL && !compressed) {
            return Optional.of(fromDatadir);
        }
        // An incremental copies only what changed and a compressed stream is smaller than what it
        // reads: the last backup made the same way says more than the datadir (which still bounds
        // it). A datadir that cannot be read from here leaves the last full as the best guess.
        BackupType like = fromDatadir != null ? type : BackupType.FULL;
        Optional<BackupRecord> last = backups.list(instance, 50, 0).stream()
                .filter(b -> b.type() == like && b.sizeBytes() != null && b.sizeBytes() > 0)
                .filter(b -> Files.isDirectory(Path.of(b.path()))
                        && CompressedLayout.isCompressed(Path.of(b.path())) == compressed)
                .findFirst();
        if (last.isEmpty()) {
            return Optional.ofNullable(fromDatadir);
        }
        long bytes = fromDatadir == null ? last.get().sizeBytes() : Math.min(copied, last.get().sizeBytes());
        return Optional.of(new Estimate(bytes, "the last " + (compressed ? "compressed " : "") + like.word()
                + " backup " + last.get().id() + " took " + Bytes.human(last.get().sizeBytes())));
    }

    /** Bytes of the datadir's files the engine copies; -1 when the datadir cannot be read from here. */
    static long copiedBytes(Path datadir) {
        if (datadir == null || !Files.isDirectory(datadir)) {
            return -1;
        }
        try (var walk = Files.walk(datadir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !datadir.equals(p.getParent()) || !NOT_COPIED.matcher(p.getFileName().toString())
                            .matches())
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0; // removed while we count (temporary tables)
                        }
                    }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Whether {@code text} (an engine's log tail, an exception's message) says the disk is full. */
    public static boolean saysFull(String text) {
        return text != null && FULL_DISK.matcher(text).find();
    }

    /** Whether {@code e} or one of its causes says the disk is full. */
    public static boolean saysFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (saysFull(t.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
