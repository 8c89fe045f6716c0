package org.backupscheduler.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.backup.CompressedLayout;
import org.backupscheduler.backup.Manifest;
import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.backup.StoredStream;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;

/**
 * The engine's files of a stored backup, laid out in a scratch folder for the engine to prepare:
 * a copy of {@code data/}, or for a streamed backup (a compressed file, or chunks in the
 * repository) the stream extracted by the engine's {@code mbstream -x}, fed by
 * {@link StoredStream} (no shell, no file in between). Either way the stored backup is only read.
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
        Optional<StoredStream> stream = StoredStream.of(backupDir);
        if (stream.isEmpty()) {
            return scratch.copy(RepositoryLayout.dataDir(backupDir), name);
        }
        Path target = scratch.dir().resolve(name);
        RepositoryLayout.createPrivateDir(target);
        Path log = scratch.dir().resolve("extract-" + name + ".log");
        RepositoryLayout.createPrivateFile(log);
        extract(tool, stream.get(), target, log, timeout);
        return target;
    }

    /**
     * The stream into {@code target} by the engine's own extractor ({@code mbstream -x}), fed from
     * {@link StoredStream#open} (decompressed, chunks checked as they arrive).
     */
    public static void extract(EngineTool tool, StoredStream stream, Path target, Path log, Duration timeout)
            throws IOException {
        List<String> argv = new EngineCommands(tool).extractStream(target);
        Process extractor = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String readError = null;
        try (InputStream in = stream.open(); OutputStream out = extractor.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            readError = e.getMessage();
            ProcessRunner.endTree(extractor);
        }
        try {
            if (!extractor.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessRunner.endTree(extractor);
                throw new Unreadable("extracting " + stream.name() + " took longer than " + timeout.toSeconds()
                        + "s and was ended");
            }
        } catch (InterruptedException e) {
            ProcessRunner.endTree(extractor);
            Thread.currentThread().interrupt();
            throw new IOException("extraction of " + stream.name() + " interrupted", e);
        }
        if (readError != null) {
            throw new Unreadable("cannot extract " + stream.name() + ": " + readError);
        }
        int status = extractor.exitValue();
        if (status != 0) {
            String tool0 = Path.of(argv.get(0)).getFileName().toString();
            throw new Unreadable("cannot extract " + stream.name() + ": "
                    + new ProcessResult(tool0, status, false, false, Duration.ZERO, ProcessRunner.tail(log, 4))
                            .describe());
        }
        if (!Files.isDirectory(target)) {
            throw new Unreadable("extracting " + stream.name() + " left no folder " + target);
        }
    }
}
