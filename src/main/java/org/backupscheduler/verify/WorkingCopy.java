package org.backupscheduler.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.backup.CompressedLayout;
import org.backupscheduler.backup.FileChecksums;
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
     * A backup whose files are not what its manifest says (a flipped bit, a truncated file), found
     * while copying it: each file named with what was expected and what is there.
     */
    public static final class Damaged extends IOException {
        private final List<String> problems;

        Damaged(List<String> problems) {
            super(problems.size() == 1 ? problems.get(0) : problems.size() + " problems: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * {@code backupDir}'s {@code data/} (a backup of plain files) copied into
     * {@code <scratch>/<name>}, every file's CRC32C summed as its bytes pass and compared with the
     * manifest: the backup is read once, for the copy and its check together. The check of
     * {@link ChecksumCheck} on {@code data/}, with the copy made on the way.
     *
     * @throws Damaged when any file is missing, extra, resized or changed (the copy is then useless)
     */
    public static Path checkedCopy(Path backupDir, Scratch scratch, String name) throws IOException {
        Manifest manifest = Manifest.read(backupDir);
        if (!FileChecksums.ALGORITHM.equals(manifest.checksumAlgorithm())) {
            throw new Damaged(List.of("the manifest uses " + manifest.checksumAlgorithm() + ", this version reads only "
                    + FileChecksums.ALGORITHM));
        }
        Map<String, Manifest.FileEntry> expected = new LinkedHashMap<>();
        manifest.files().stream().filter(e -> e.path().startsWith(ChecksumCheck.DATA_PREFIX))
                .forEach(e -> expected.putIfAbsent(e.path(), e));
        Path from = RepositoryLayout.dataDir(backupDir);
        Path to = scratch.dir().resolve(name);
        List<String> problems = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BUFFER);
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    RepositoryLayout.createPrivateDir(target);
                    continue;
                }
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                String path = FileChecksums.relative(backupDir, p);
                Manifest.FileEntry e = expected.remove(path);
                CRC32C crc = new CRC32C();
                long size = copySumming(p, target, buffer, crc);
                String actual = HexFormat.of().toHexDigits((int) crc.getValue());
                if (e == null) {
                    problems.add("extra file " + path + " (not in the manifest)");
                } else if (size != e.size()) {
                    problems.add("resized file " + path + ": expected " + e.size() + " bytes, found " + size);
                } else if (!actual.equals(e.checksum())) {
                    problems.add("changed file " + path + ": expected CRC32C " + e.checksum() + ", found " + actual);
                }
            }
        }
        expected.values().forEach(e -> problems.add("missing file " + e.path() + " (expected " + e.size() + " bytes)"));
        if (!problems.isEmpty()) {
            throw new Damaged(problems);
        }
        return to;
    }

    private static final int COPY_BUFFER = 1 << 20;

    /** {@code from} into the new file {@code to}, summed into {@code crc}; its mode and mtime kept. */
    private static long copySumming(Path from, Path to, ByteBuffer buffer, CRC32C crc) throws IOException {
        long size = 0;
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                buffer.clear();
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                crc.update(buffer);
                buffer.rewind();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                size += n;
            }
        }
        Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        Files.setLastModifiedTime(to, Files.getLastModifiedTime(from));
        return size;
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
