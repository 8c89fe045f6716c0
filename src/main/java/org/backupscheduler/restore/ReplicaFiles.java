package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replica host's files and processes, as far as a restore touches them: the checks on its
 * datadir (what is there, mount point, free space, pid files, kernel locks) and the two changes it
 * makes to it (the rename aside, the ownership). This host ({@link #LOCAL}), or the replica's host
 * through SSH ({@link SshReplicaFiles}: the same checks as commands run there). Nothing here deletes.
 */
interface ReplicaFiles {
    ReplicaFiles LOCAL = new LocalReplicaFiles();

    boolean exists(Path p) throws IOException;

    boolean isDirectory(Path p) throws IOException;

    /** The entries at the top of {@code dir}; empty when it is not a folder. */
    List<Path> list(Path dir) throws IOException;

    /** The regular files at the top of {@code dir} by "MAJOR:MINOR:INODE", as /proc/locks names them. */
    Map<String, Path> topFiles(Path dir) throws IOException;

    /** The lines of /proc/locks there. */
    List<String> locks() throws IOException;

    /** The pid a pid file names and when it was written; empty when it is missing or holds no number. */
    Optional<PidFile> pidFile(Path file) throws IOException;

    /** {@code pid} when it is a live process there (a zombie is not): its command and start, when known. */
    Optional<Proc> process(long pid) throws IOException;

    boolean isMountPoint(Path dir) throws IOException;

    /** The bytes free for an unprivileged user in the file system of {@code dir} (or its nearest existing parent). */
    long usableSpace(Path dir) throws IOException;

    /** Renames {@code from} to {@code to} (same file system, {@code to} absent): never a copy. */
    void rename(Path from, Path to) throws IOException;

    /** Gives {@code root} and everything under it to {@code user}. */
    void chown(Path root, String user) throws IOException;

    /** A shell line as the operator runs it for this host: itself here, wrapped in {@code ssh ...} there. */
    String commandLine(String shellLine);

    record PidFile(long pid, Instant written) {
    }

    record Proc(String command, Optional<Instant> started) {
    }

    /** "MAJOR:MINOR:INODE" as /proc/locks writes it (hex major and minor) from st_dev and st_ino. */
    static String lockId(long dev, long ino) {
        // glibc's gnu_dev_major / gnu_dev_minor.
        long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xffL) | ((dev >>> 12) & ~0xffL);
        return Long.toHexString(major) + ":" + Long.toHexString(minor) + ":" + ino;
    }
}
