package org.backupscheduler.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.backup.CompressedLayout;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.backup.Zstd;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;

/**
 * The engine's files of a stored backup, laid out in a scratch folder for the engine to prepare:
 * a copy of {@code data/}, or for a compressed backup the stream extracted
 * ({@code zstd -d | mbstream -x}, two processes joined by a pipe, no shell). Either way the stored
 * backup is only read.
 */
public final class WorkingCopy {
    private WorkingCopy() {
    }

    /** A backup whose stream could not be extracted: a finding, not a crash. */
    public static final class Unreadable extends IOException {
        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * The bytes a working copy of {@code backupDir} takes: its size for a folder; for a compressed
     * backup (whose size_bytes is the compressed size) what the manifest says the stream extracts
     * to, counted as it passed at backup time.
     */
    public static long bytesNeeded(Path backupDir, long recordedBytes) throws IOException {
        if (!CompressedLayout.isCompressed(backupDir)) {
            return recordedBytes;
        }
        Long extracted = Manifest.read(backupDir).extractedBytes();
        if (extracted == null) {
            throw new Unreadable("the manifest of " + backupDir + " does not say what its stream extracts to");
        }
        return extracted;
    }

    /** Lays out {@code backupDir}'s files in {@code <scratch>/<name>} and returns that folder. */
    public static Path of(EngineTool tool, Path backupDir, Scratch scratch, String name, Duration timeout)
            throws IOException {
        Optional<Path> stream = CompressedLayout.find(backupDir);
        if (stream.isEmpty()) {
            return scratch.copy(RepositoryLayout.dataDir(backupDir), name);
        }
        Path target = scratch.dir().resolve(name);
        RepositoryLayout.createPrivateDir(target);
        Path log = scratch.dir().resolve("extract-" + name + ".log");
        RepositoryLayout.createPrivateFile(log);
        List<ProcessBuilder> pipeline = List.of(
                new ProcessBuilder(Zstd.onPath().decompress(stream.get()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())),
                new ProcessBuilder(new EngineCommands(tool).extractStream(target))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())));
        List<Process> processes = ProcessBuilder.startPipeline(pipeline);
        try {
            for (Process p : processes) {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    processes.forEach(ProcessRunner::endTree);
                    throw new Unreadable("extracting " + stream.get().getFileName() + " took longer than "
                            + timeout.toSeconds() + "s and was ended");
                }
            }
        } catch (InterruptedException e) {
            processes.forEach(ProcessRunner::endTree);
            Thread.currentThread().interrupt();
            throw new IOException("extraction of " + stream.get().getFileName() + " interrupted", e);
        }
        for (int i = 0; i < processes.size(); i++) {
            int status = processes.get(i).exitValue();
            if (status != 0) {
                String tool0 = Path.of(pipeline.get(i).command().get(0)).getFileName().toString();
                throw new Unreadable("cannot extract " + stream.get().getFileName() + ": "
                        + new ProcessResult(tool0, status, false, false, Duration.ZERO, ProcessRunner.tail(log, 4))
                                .describe());
            }
        }
        if (!Files.isDirectory(target)) {
            throw new Unreadable("extracting " + stream.get().getFileName() + " left no folder " + target);
        }
        return target;
    }
}
