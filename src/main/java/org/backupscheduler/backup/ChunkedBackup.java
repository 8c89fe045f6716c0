package org.backupscheduler.backup;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineRun;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.engine.StreamListing;
import org.backupscheduler.engine.StreamTap;
import org.backupscheduler.storage.Chunk;
import org.backupscheduler.storage.ChunkedWriter;

/**
 * A backup streamed straight into a store (format 3): the engine's {@code --stream=mbstream}
 * output is read once, in this process, by the {@link StreamTap} (each file's size and CRC32C, the engine's
 * own small files that only the stream carries) and cut by a {@link ChunkedWriter} into chunk
 * objects {@code <instance>/<id>/chunks/NNNNNNNN}, uploaded in parallel. No byte of the data
 * touches the local disk: only the engine's {@code --extra-lsndir} (its checkpoints and info, a
 * few KB) and its log go to the local {@code workDir}.
 * <p>
 * After a good {@link #run}, {@link #chunks} are stored and the caller writes {@code manifest.json}
 * last, the commit marker. After a failed one every chunk written is removed already.
 * Not wired into the backup workflow yet (docs/storage.md).
 */
public final class ChunkedBackup implements EngineRun {
    private final List<String> engineArgv;
    private final Path log;
    private final Duration deadline;
    private final ChunkedWriter writer;
    private final StreamTap tap = new StreamTap(CompressedLayout::isEngineFile);
    private volatile Process engine;
    private volatile boolean cancelled;
    private volatile StreamListing listing;
    private volatile List<Chunk> chunks;
    private volatile IOException pumpError;
    private volatile boolean endedByPump;

    private ChunkedBackup(List<String> engineArgv, Path log, Duration deadline, ChunkedWriter writer) {
        this.engineArgv = List.copyOf(engineArgv);
        this.log = log;
        this.deadline = deadline;
        this.writer = writer;
    }

    /**
     * The run for {@code request}, its stream into {@code writer}; the engine's metadata files go
     * to {@code lsnDir} (local, 0700), its temporary files to {@code request.targetDir()}.
     */
    public static ChunkedBackup of(EngineTool tool, BackupRequest request, CredentialsFile credentials, Path lsnDir,
                                   Path log, Duration deadline, ChunkedWriter writer) throws IOException {
        RepositoryLayout.createPrivateDir(lsnDir);
        RepositoryLayout.createPrivateDir(request.targetDir());
        return new ChunkedBackup(new EngineCommands(tool).streamedBackup(request, credentials, lsnDir), log, deadline,
                writer);
    }

    @Override
    public ProcessResult run() throws IOException {
        Instant start = Instant.now();
        engine = new ProcessBuilder(engineArgv).redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Thread pump = new Thread(this::pump, "backup-chunks");
        pump.setDaemon(true);
        pump.start();
        boolean timedOut = false;
        try {
            if (!engine.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                ProcessRunner.endTree(engine);
            }
            engine.waitFor();
            pump.join(); // the last chunks upload after the engine ends; each is bounded by its retries
        } catch (InterruptedException e) {
            ProcessRunner.endTree(engine);
            Thread.currentThread().interrupt();
            abortQuietly(null);
            throw new IOException("streamed backup interrupted", e);
        }
        ProcessResult result = new ProcessResult(Path.of(engineArgv.get(0)).getFileName().toString(),
                engine.exitValue(), timedOut, cancelled, Duration.between(start, Instant.now()),
                ProcessRunner.tail(log, 12));
        boolean engineFailed = timedOut || cancelled || !result.succeeded() && !(endedByPump && result.killedBySignal());
        if (engineFailed || pumpError != null || chunks == null) {
            abortQuietly(pumpError);
        }
        if (engineFailed) {
            return result;
        }
        if (pumpError != null || chunks == null) {
            throw new IOException("the engine's stream could not be stored: "
                    + (pumpError == null ? "the stream reader did not finish" : pumpError.getMessage()), pumpError);
        }
        return result;
    }

    /** Engine → tap → chunks; the upload's end (finish) is part of the pump, so run() sees it. */
    private void pump() {
        try (InputStream in = engine.getInputStream()) {
            listing = tap.copy(in, writer);
            chunks = writer.finish();
        } catch (IOException e) {
            pumpError = e;
            endedByPump = true;
            // The store failed or the stream is unreadable: the engine would block on a full pipe.
            ProcessRunner.endTree(engine);
        }
    }

    private void abortQuietly(IOException cause) {
        try {
            writer.abort();
        } catch (IOException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
            // else: the next start finds the remains by their missing manifest ([2.2], not yet)
        } finally {
            writer.close();
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        Process e = engine;
        if (e != null) {
            ProcessRunner.endTree(e);
        }
    }

    /** Bytes the engine has streamed so far (comparable to the datadir's size). */
    public long bytesStreamed() {
        return tap.bytes();
    }

    /** The stored chunks, in stream order: for the manifest. */
    public List<Chunk> chunks() {
        return chunks;
    }

    /** Each file's size as the stream declared it, and the engine files only the stream held. */
    public StreamListing listing() {
        return listing;
    }

    /** The schemas and tables the stream held, for the manifest. */
    public Map<String, List<String>> inventory() {
        return CompressedLayout.inventory(listing);
    }

    /** The bytes the stream's files take once extracted: what a restore needs on disk. */
    public long extractedBytes() {
        return listing.files().values().stream().mapToLong(Long::longValue).sum();
    }
}
