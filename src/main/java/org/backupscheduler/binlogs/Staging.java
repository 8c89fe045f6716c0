package org.backupscheduler.binlogs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.storage.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local folder {@code mariadb-binlog --raw} writes into, and the passes over it. One archiver
 * per instance holds its lock for as long as it runs: a second one (a {@code pull --once} beside
 * the daemon) would write the same files.
 */
final class Staging implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Staging.class);
    private final Path files;
    private final Path toolLog;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Sealing sealing;
    private long storedOpenLength = -1;
    private String storedOpenName;
    private Instant storedOpenAt = Instant.EPOCH;

    private Staging(Path workDir, FileChannel lockChannel, FileLock lock, Sealing sealing) {
        this.files = workDir.resolve("files");
        this.toolLog = workDir.resolve("mariadb-binlog.log");
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.sealing = sealing;
    }

    /** Takes the instance's staging folder, or refuses (exit 4) while another archiver holds it. */
    static Staging take(Path workDir, Sealing sealing) throws IOException {
        PrivateFiles.createDir(workDir.resolve("files"));
        FileChannel ch = FileChannel.open(workDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new UserError("another binlog archiver of this instance is running (it holds " + workDir.resolve("lock")
                    + ")", "nothing to do: it archives already; stop the daemon first to run 'binlogs pull --once'",
                    UserError.SKIPPED);
        }
        Staging staging = new Staging(workDir, ch, lock, sealing);
        staging.endOrphanedTool();
        return staging;
    }

    /**
     * Notes the running tool, so that a later start can end it should this process die first
     * (SIGKILL leaves the child running, still writing into the staging folder).
     */
    void noteTool(ProcessHandle tool) throws IOException {
        Path file = toolPidFile();
        Files.deleteIfExists(file);
        PrivateFiles.createFile(file);
        Files.writeString(file, tool.pid() + " " + tool.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /**
     * Ends the tool a dead archiver left running: only the process the pid file names, and only
     * while it is that same process (same start time, a mariadb-binlog command).
     */
    private void endOrphanedTool() throws IOException {
        Path file = toolPidFile();
        if (!Files.exists(file)) {
            return;
        }
        String[] parts = Files.readString(file).strip().split(" ");
        Files.delete(file);
        Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(parts[0]));
        if (p.isEmpty() || !p.get().isAlive()) {
            return;
        }
        long started = p.get().info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        boolean same = started == Long.parseLong(parts[1])
                && p.get().info().command().map(c -> c.endsWith(Archiver.TOOL)).orElse(false);
        if (same) {
            log.warn("ending {} (pid {}) left running by an archiver that died", Archiver.TOOL, parts[0]);
            p.get().destroyForcibly();
            try {
                p.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException(Archiver.TOOL + " pid " + parts[0] + " left by a dead archiver did not end", e);
            }
        }
    }

    private Path toolPidFile() {
        return files.getParent().resolve("tool.pid");
    }

    Path filesDir() {
        return files;
    }

    Path toolLog() {
        return toolLog;
    }

    /**
     * Before the tool starts: seals what an earlier run left staged and closed, and drops the rest
     * (an open file's beginning), which the tool is about to write again from its start.
     */
    void recover() throws IOException {
        for (Path f : staged()) {
            BinlogScan scan = BinlogScan.read(f);
            if (scan.closed()) {
                sealing.seal(f, scan);
            } else {
                Files.delete(f); // our own staged copy of a file the server still has; fetched again
            }
        }
        storedOpenName = null;
    }

    /**
     * Seals every staged file that is closed (it ends in a rotate or stop event, or a later file
     * has appeared: the tool writes one file after another), and stores the open file's prefix
     * when it grew and {@code openEvery} has passed since it was last stored. Returns the sealed.
     */
    List<BinlogFileRecord> pass(Duration openEvery, Instant now) throws IOException {
        List<Path> staged = staged();
        List<BinlogFileRecord> sealed = new ArrayList<>();
        for (int i = 0; i < staged.size(); i++) {
            Path f = staged.get(i);
            BinlogScan scan = BinlogScan.read(f);
            if (scan.closed() || i < staged.size() - 1) {
                sealed.add(sealing.seal(f, scan));
            } else if (scan.validLength() > 0 && !now.isBefore(storedOpenAt.plus(openEvery))
                    && (!scan.name().equals(storedOpenName) || scan.validLength() != storedOpenLength)) {
                sealing.storeOpen(f, scan);
                storedOpenName = scan.name();
                storedOpenLength = scan.validLength();
                storedOpenAt = now;
            }
        }
        return sealed;
    }

    /** The staged binlog files, in the server's order. */
    List<Path> staged() throws IOException {
        try (var list = Files.list(files)) {
            return list.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("releasing the staging lock: {}", e.getMessage());
        }
    }
}
