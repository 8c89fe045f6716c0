package org.backupscheduler.backup;

import java.io.File;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.config.EngineConfig;
import org.backupscheduler.engine.BackupRequest;
import org.backupscheduler.engine.EngineCredentials;
import org.backupscheduler.engine.EngineHost;
import org.backupscheduler.engine.EngineProcess;
import org.backupscheduler.engine.EngineCommands;
import org.backupscheduler.engine.EngineRun;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.engine.StreamListing;
import org.backupscheduler.engine.StreamTap;

/**
 * A backup taken as one stream: the engine's stdout passes through this process — read once,
 * each file summed as it passes ({@link StreamTap}) — into {@code zstd}'s stdin; zstd writes the
 * file ({@code engine.compress: zstd} into a local folder, format 2), or its output is pumped into
 * a sink (the chunk writer of a repository, format 3), or without compression the stream goes
 * into the sink as it is. Reading the
 * stream on its way (not the compressed file after) tells what the backup holds — sizes, tables,
 * the engine's binlog file that only the stream carries — without a second pass or an extraction.
 * The engine's and zstd's stderr both go to the backup's own log.
 */
public final class StreamedBackup implements EngineRun {
    /** After the engine ends, zstd only has its last buffers to write. */
    private static final Duration DRAIN = Duration.ofMinutes(2);

    private final EngineHost host;
    private final List<String> engineArgv;
    private final List<String> zstdArgv;
    private final Path backupDir;
    private final Path streamFile;
    private final OutputStream sink;
    private final Path log;
    private final Duration deadline;
    private final StreamTap tap = new StreamTap(CompressedLayout::isEngineFile);
    private volatile EngineProcess engine;
    private volatile Process compressor;
    private volatile boolean cancelled;
    private volatile StreamListing listing;
    private volatile IOException pumpError;
    /** The sink's own first failure (the store refused or went away), which explains the run. */
    private volatile IOException sinkError;
    private volatile boolean endedByPump;
    private EngineConfig.Priority priority = EngineConfig.Priority.NORMAL;

    private StreamedBackup(EngineHost host, List<String> engineArgv, List<String> zstdArgv, Path backupDir,
                           Path streamFile, OutputStream sink, Path log, Duration deadline) {
        this.host = host;
        this.engineArgv = List.copyOf(engineArgv);
        this.zstdArgv = zstdArgv == null ? null : List.copyOf(zstdArgv);
        this.backupDir = backupDir;
        this.streamFile = streamFile;
        this.sink = sink == null ? null : new FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    if (sinkError == null) {
                        sinkError = e;
                    }
                    throw e;
                }
            }
        };
        this.log = log;
        this.deadline = deadline;
    }

    /**
     * The run for {@code request} into {@code backupDir}: the engine's temporary files go to
     * {@code request.targetDir()} (removed after), its metadata files to {@code backupDir}.
     */
    public static StreamedBackup of(EngineTool tool, BackupRequest request, EngineCredentials credentials,
                                    Path backupDir, Path log, Duration deadline, int threads) throws IOException {
        List<String> zstd = Zstd.onPath().compress(threads);
        RepositoryLayout.createPrivateDir(request.targetDir());
        Path streamFile = CompressedLayout.streamFile(backupDir, tool.flavor());
        RepositoryLayout.createPrivateFile(streamFile);
        return new StreamedBackup(EngineHost.LOCAL, new EngineCommands(tool).streamedBackup(request, credentials,
                backupDir), zstd, backupDir, streamFile, null, log, deadline);
    }

    /**
     * The run for {@code request} into {@code sink} (a repository's chunk writer, which the caller
     * finishes or aborts): compressed on the way when {@code compress}. The engine's metadata files
     * go to {@code backupDir}, the backup's local folder.
     */
    public static StreamedBackup toSink(EngineHost host, EngineTool tool, BackupRequest request,
                                        EngineCredentials credentials, Path backupDir, OutputStream sink,
                                        boolean compress, Path log, Duration deadline, int threads) throws IOException {
        List<String> zstd = compress ? Zstd.onPath().compress(threads) : null;
        if (host.isLocal()) {
            RepositoryLayout.createPrivateDir(request.targetDir());
        }
        // [ssh] an engine on another host cannot write into our folder: its files come from the stream.
        return new StreamedBackup(host, new EngineCommands(tool).streamedBackup(request, credentials,
                host.isLocal() ? backupDir : null), zstd, backupDir, null, sink, log, deadline);
    }

    /** Runs the engine and zstd at {@code priority} (engine.priority), through {@link ProcessRunner#at}. */
    public StreamedBackup at(EngineConfig.Priority priority) {
        this.priority = priority;
        return this;
    }

    @Override
    public ProcessResult run() throws IOException {
        Instant start = Instant.now();
        Thread drain = null;
        if (zstdArgv != null) {
            ProcessBuilder zstd = new ProcessBuilder(ProcessRunner.at(priority, zstdArgv))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            compressor = (streamFile != null ? zstd.redirectOutput(streamFile.toFile()) : zstd).start();
            if (sink != null) {
                drain = daemon("backup-store", this::drainCompressor);
            }
        }
        engine = host.start(ProcessRunner.at(priority, engineArgv), log, EngineHost.Output.PIPE);
        if (cancelled) {
            cancelTree(); // cancelled while starting: cancel() saw no engine yet
        }
        Thread pump = daemon("backup-stream", this::pump);
        boolean timedOut = false;
        try {
            if (!engine.waitFor(deadline)) {
                timedOut = true;
                cancelTree();
            }
            engine.waitFor();
            pump.join(DRAIN.toMillis());
            if (compressor != null) {
                if (!compressor.waitFor(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    ProcessRunner.endTree(compressor);
                }
                compressor.waitFor();
            }
            if (drain != null) {
                drain.join(DRAIN.toMillis());
            }
        } catch (InterruptedException e) {
            cancelTree();
            Thread.currentThread().interrupt();
            throw new IOException("streamed backup interrupted", e);
        }
        Duration took = Duration.between(start, Instant.now());
        ProcessResult engineResult = new ProcessResult(name(engineArgv), engine.exitValue(), timedOut, cancelled,
                took, ProcessRunner.tail(log, 12));
        // Whoever failed first explains the rest: an engine that died cuts the stream short; a zstd
        // that died (or a stream we could not read, or a store that refused it) made us end the engine.
        // A store that failed explains even an engine that saw its pipe break (exit 1, "Broken pipe")
        // before our signal reached it.
        if (timedOut || cancelled) {
            return engineResult;
        }
        if (sinkError != null) {
            throw new IOException("the engine's stream could not be stored: " + sinkError.getMessage(), sinkError);
        }
        if (!engineResult.succeeded() && !(endedByPump && engineResult.killedBySignal())) {
            return engineResult;
        }
        if (compressor != null) {
            ProcessResult zstdResult = new ProcessResult(name(zstdArgv), compressor.exitValue(), false, false, took,
                    ProcessRunner.tail(log, 12));
            if (!zstdResult.succeeded() && pumpError == null) {
                return zstdResult;
            }
        }
        if (pumpError != null || listing == null) {
            throw new IOException("the engine's stream could not be "
                    + (sink != null ? "stored" : "read") + ": "
                    + (pumpError == null ? "the stream reader did not finish" : pumpError.getMessage()), pumpError);
        }
        return engineResult;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void pump() {
        try (InputStream in = engine.stdout();
             OutputStream out = compressor != null ? compressor.getOutputStream() : OutputStream.nullOutputStream()) {
            listing = tap.copy(in, compressor != null ? out : sink);
        } catch (IOException e) {
            failed(e);
        }
    }

    /** zstd's output into the sink; the sink is not closed here (its owner finishes or aborts it). */
    private void drainCompressor() {
        try (InputStream in = compressor.getInputStream()) {
            in.transferTo(sink);
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        if (pumpError == null) {
            pumpError = e;
        }
        endedByPump = true;
        // zstd or the store gone, or a stream we cannot read: the engine would block on a full pipe.
        EngineProcess e0 = engine;
        if (e0 != null) {
            e0.endTree();
        }
        Process c = compressor;
        if (c != null) {
            ProcessRunner.endTree(c);
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        cancelTree();
    }

    private void cancelTree() {
        EngineProcess e = engine;
        if (e != null) {
            e.endTree();
        }
        Process c = compressor;
        if (c != null) {
            ProcessRunner.endTree(c);
        }
    }

    /** Uncompressed bytes the engine has streamed so far (comparable to the datadir's size). */
    public long bytesStreamed() {
        return tap.bytes();
    }

    /**
     * After a good run: keeps the engine files only the stream held beside the others, removes
     * the engine's emptied temporary folder, and returns where the engine files now are.
     */
    public Path finish(Path tempDir) throws IOException {
        CompressedLayout.writeEngineFiles(backupDir, listing);
        if (!host.isLocal()) {
            return backupDir; // the engine's folder was on its host, removed with its workspace
        }
        try (var left = Files.list(tempDir)) {
            if (left.findAny().isEmpty()) {
                Files.delete(tempDir);
            }
        }
        return backupDir;
    }

    /** The bytes the stream's files take once extracted: what a working copy needs on disk. */
    public long extractedBytes() {
        return listing.files().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every file the stream held, with its size and CRC32C as it extracts (empty where unsummed). */
    public List<Manifest.FileEntry> streamFiles() {
        return listing.files().entrySet().stream()
                .map(f -> new Manifest.FileEntry(f.getKey(), f.getValue(), listing.checksums().get(f.getKey())))
                .toList();
    }

    /** The schemas and tables the stream held, for the manifest. */
    public Map<String, List<String>> inventory() {
        return CompressedLayout.inventory(listing);
    }

    private static String name(List<String> argv) {
        return Path.of(argv.get(0)).getFileName().toString();
    }
}
