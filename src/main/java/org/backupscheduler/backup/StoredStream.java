package org.backupscheduler.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.storage.ChunkCodec;
import org.backupscheduler.storage.ChunkedReader;
import org.backupscheduler.storage.Retries;

/**
 * The engine's stream of a backup, wherever it lies: one compressed file in the backup folder
 * (format 2) or chunk objects in the repository (format 3). Every reader — the structure and
 * checksum checks, the working copy of a verify, a restore — opens it here, and gets the stream
 * as the engine wrote it: decompressed on the fly, each chunk checked against its CRC32C as it
 * arrives. Nothing is written to disk on the way.
 */
public final class StoredStream {
    private static final int READ_AHEAD = 4;

    private final String name;
    private final boolean compressed;
    private final Opener raw;
    private final boolean empty;

    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    private StoredStream(String name, boolean compressed, Opener raw, boolean empty) {
        this.name = name;
        this.compressed = compressed;
        this.raw = raw;
        this.empty = empty;
    }

    /** The stream of {@code backupDir}, if it is a streamed backup (compressed file or chunks). */
    public static Optional<StoredStream> of(Path backupDir) throws IOException {
        Optional<Path> file = CompressedLayout.find(backupDir);
        if (file.isPresent()) {
            Path f = file.get();
            return Optional.of(new StoredStream(f.getFileName().toString(), true, () -> Files.newInputStream(f),
                    Files.size(f) == 0));
        }
        Optional<Manifest.Stream> chunks = CompressedLayout.chunks(backupDir);
        if (chunks.isEmpty()) {
            return Optional.empty();
        }
        Manifest.Stream s = chunks.get();
        String id = backupDir.getFileName().toString();
        return Optional.of(new StoredStream(s.repository() + " (" + s.chunks().size() + " chunks)",
                "zstd".equals(s.compression()),
                () -> new ChunkedReader(RepositoryStores.storeAt(s.repository()), s.chunks(),
                        RepositoryStores.readingCodec(id, s), Retries.DEFAULT, READ_AHEAD), s.chunks().isEmpty()));
    }

    /**
     * An encrypted backup on a host without the secret key (a backup host holds only public
     * keys): only its ciphertext can be checked here, and it cannot become VERIFIED here.
     */
    public static boolean sealedHere(Path backupDir) throws IOException {
        Optional<Manifest.Stream> s = CompressedLayout.chunks(backupDir);
        return s.isPresent() && s.get().encrypted() && !RepositoryStores.canDecrypt();
    }

    /**
     * Why an encrypted backup stays COMPLETED on this host, for {@code verify} and {@code show}
     * to print; empty when this host can decrypt it (or it is not encrypted).
     */
    public static Optional<String> sealedNote(Path backupDir) throws IOException {
        Optional<Manifest.Stream> s = CompressedLayout.chunks(backupDir);
        if (s.isEmpty() || !s.get().encrypted() || RepositoryStores.canDecrypt()) {
            return Optional.empty();
        }
        return Optional.of("encrypted to " + String.join(", ", s.get().recipients())
                + "; this host has no encryption.secret-key-file: only the ciphertext was checked; "
                + "VERIFIED needs a host with the secret key (run 'backup verify' there)");
    }

    /**
     * The structure of an encrypted backup without its key: every chunk object present, of its
     * size and CRC32C (of the ciphertext, read where it lies), and nothing more can be said.
     */
    public static List<String> ciphertextProblems(Path backupDir) throws IOException {
        Manifest.Stream s = CompressedLayout.chunks(backupDir).orElseThrow();
        if (s.chunks().isEmpty()) {
            return List.of("the backup is empty: " + s.repository() + " holds no chunk of it");
        }
        try {
            ChunkedReader.checkStored(RepositoryStores.storeAt(s.repository()), s.chunks(), Retries.DEFAULT);
            return List.of();
        } catch (IOException e) {
            return List.of(e.getMessage());
        }
    }

    /** No bytes at all: the field report's empty backup, in its streamed form. */
    public boolean isEmpty() {
        return empty;
    }

    /** For messages: the file's name, or the repository and its chunk count. */
    public String name() {
        return name;
    }

    /**
     * The engine's stream, decompressed when it was compressed. Closing it waits for the
     * decompressor and throws when it failed (zstd's frame checksum: a changed byte is found here).
     */
    public InputStream open() throws IOException {
        InputStream in = raw.open();
        if (!compressed) {
            return in;
        }
        Path err = Files.createTempFile("zstd-", ".log");
        Process zstd = new ProcessBuilder(List.of(Zstd.onPath().binary(), "-d", "-q", "-c"))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        IOException[] feedError = new IOException[1];
        RuntimeException[] feedRefusal = new RuntimeException[1];
        Thread feed = new Thread(() -> {
            try (in; OutputStream out = zstd.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                feedError[0] = e;
                ProcessRunner.endTree(zstd);
            } catch (RuntimeException e) {
                // Not the stream's fault (no key for it here): said as itself when the reader closes.
                feedRefusal[0] = e;
                ProcessRunner.endTree(zstd);
            }
        }, "stream-feed");
        feed.setDaemon(true);
        feed.start();
        return new FilterInputStream(zstd.getInputStream()) {
            private boolean closed;

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    super.transferTo(OutputStream.nullOutputStream());
                    super.close();
                    feed.join();
                    int status = zstd.waitFor();
                    if (feedRefusal[0] != null) {
                        throw feedRefusal[0];
                    }
                    if (feedError[0] != null) {
                        throw new IOException("cannot read " + name + ": " + feedError[0].getMessage(), feedError[0]);
                    }
                    if (status != 0) {
                        throw new IOException("cannot decompress " + name + ": zstd exited with status " + status
                                + ": " + ProcessRunner.tail(err, 2).replace('\n', ' '));
                    }
                } catch (InterruptedException e) {
                    ProcessRunner.endTree(zstd);
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading " + name, e);
                } finally {
                    Files.deleteIfExists(err);
                }
            }
        };
    }
}
