package org.backupscheduler.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.backupscheduler.catalog.BackupRecord;
import org.backupscheduler.catalog.SourceState;
import org.backupscheduler.engine.Coordinates;

/**
 * {@code manifest.json}, written into every backup folder when the engine is done: what the
 * backup is (enough to rebuild the catalog from the repository alone), the schemas and tables
 * it should hold, and every file of the folder with its size and checksum.
 *
 * <p>Format 2 adds what a rebuilt catalog would otherwise get wrong: {@code source} (primary or
 * replica, the replica's lag and state, and its primary's coordinates — a restore from a replica's
 * backup starts replication there, not at the replica's own binlog) and {@code stale}/{@code
 * stale_reason} (a backup of a broken or lagging replica must come back STALE, never VERIFIED).
 * Both are null in format-1 manifests.
 */
public record Manifest(int format, String instance, String id, String type, String parentId, String tool,
                       String toolVersion, Instant startedAt, Instant finishedAt, Long fromLsn, Long toLsn,
                       String binlogFile, Long binlogPosition, String gtid, String sourceAddress,
                       Long sourceServerId, Map<String, List<String>> inventory, String checksumAlgorithm,
                       List<FileEntry> files, Source source, Boolean stale, String staleReason,
                       Long extractedBytes, Stream stream) {

    public static final int FORMAT = 2;
    /** A backup whose engine stream lies in a repository as chunk objects ({@link Stream}). */
    public static final int STREAM_FORMAT = 3;

    /**
     * Format 3: the engine's stream as it lies in the repository — {@code repository} (its URL, no
     * secret), the stream's format, how it was compressed, the chunk objects in order (key, stored
     * size and CRC32C, plain size), and every file the stream holds with its size and CRC32C as it
     * extracts, summed while the stream passed; when encrypted, the fingerprints of the keys it was
     * encrypted to. {@code files} of the manifest then lists the small
     * files of the local folder (the engine's metadata) as before.
     */
    public record Stream(String repository, String format, String compression, String codec,
                         List<String> recipients, List<org.backupscheduler.storage.Chunk> chunks,
                         List<FileEntry> files) {
        public Stream {
            recipients = recipients == null ? List.of() : List.copyOf(recipients);
        }

        /** Encrypted ([2.3]): each chunk one OpenPGP message to {@link #recipients} (fingerprints). */
        public boolean encrypted() {
            return !recipients.isEmpty();
        }

        public long storedBytes() {
            return chunks.stream().mapToLong(org.backupscheduler.storage.Chunk::size).sum();
        }

        public long extractedBytes() {
            return files.stream().mapToLong(FileEntry::size).sum();
        }
    }

    /** The source's side of the backup, as {@link SourceState} keeps it in the catalog. */
    public record Source(String role, Long lagSeconds, String replication, String primaryAddress,
                         String primaryBinlogFile, Long primaryBinlogPosition, String primaryGtid) {

        public static Source of(SourceState s) {
            return new Source(s.role(), s.lagSeconds(), s.replication(), s.primaryAddress(),
                    s.primary().binlogFile(), s.primary().binlogPosition(), s.primary().gtid());
        }

        public SourceState toState() {
            return new SourceState(role, lagSeconds, replication, primaryAddress,
                    new Coordinates(primaryBinlogFile, primaryBinlogPosition, primaryGtid));
        }

        /**
         * {@code source.json}, left in the folder of a run that failed after the source was
         * inspected (a refused stale replica, an engine failure): no manifest will say it, and the
         * report's replica health counts those runs. Best effort, like the FAILED marker.
         */
        public void writeBeside(Path backupDir) {
            Path file = backupDir.resolve(SOURCE_FILE);
            try {
                if (Files.isDirectory(backupDir) && !Files.exists(file)) {
                    RepositoryLayout.createPrivateFile(file);
                    MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
                }
            } catch (IOException e) {
                // The catalog row has it; only a rebuilt catalog would miss it.
            }
        }

        /** The source.json of a failed run's folder, if it has one. */
        public static java.util.Optional<Source> readBeside(Path backupDir) throws IOException {
            Path file = backupDir.resolve(SOURCE_FILE);
            return Files.isRegularFile(file) ? java.util.Optional.of(MAPPER.readValue(file.toFile(), Source.class))
                    : java.util.Optional.empty();
        }
    }

    public static final String SOURCE_FILE = "source.json";

    /** One file, by its path relative to the backup folder ('/'-separated). */
    public record FileEntry(String path, long size, String checksum) {
    }

    /** A manifest is built by name: most of its fields are strings and longs that could be swapped unnoticed. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int format = FORMAT;
        private String instance;
        private String id;
        private String type;
        private String parentId;
        private BackupRecord.Engine engine = new BackupRecord.Engine(null, null);
        private Instant startedAt;
        private Instant finishedAt;
        private BackupRecord.Lsns lsns = BackupRecord.Lsns.NONE;
        private Coordinates coordinates = Coordinates.NONE;
        private BackupRecord.Source source = BackupRecord.Source.UNKNOWN;
        private Map<String, List<String>> inventory = Map.of();
        private String checksumAlgorithm = FileChecksums.ALGORITHM;
        private List<FileEntry> files = List.of();
        private Source replicaSource;
        private Boolean stale;
        private String staleReason;
        private Long extractedBytes;
        private Stream stream;

        private Builder() {
        }

        public Builder format(int v) {
            format = v;
            return this;
        }

        /** The instance, id, type and parent of {@code b}. */
        public Builder backup(BackupRecord b) {
            instance = b.instance();
            id = b.id();
            type = b.type().word();
            parentId = b.parentId();
            startedAt = b.startedAt();
            return this;
        }

        public Builder instance(String v) {
            instance = v;
            return this;
        }

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder type(String v) {
            type = v;
            return this;
        }

        public Builder parentId(String v) {
            parentId = v;
            return this;
        }

        public Builder engine(BackupRecord.Engine v) {
            engine = v;
            return this;
        }

        public Builder startedAt(Instant v) {
            startedAt = v;
            return this;
        }

        public Builder finishedAt(Instant v) {
            finishedAt = v;
            return this;
        }

        public Builder lsns(BackupRecord.Lsns v) {
            lsns = v;
            return this;
        }

        public Builder coordinates(Coordinates v) {
            coordinates = v;
            return this;
        }

        /** The server backed up: its address and server id. */
        public Builder server(BackupRecord.Source v) {
            source = v;
            return this;
        }

        public Builder inventory(Map<String, List<String>> v) {
            inventory = v;
            return this;
        }

        public Builder files(String algorithm, List<FileEntry> v) {
            checksumAlgorithm = algorithm;
            files = v;
            return this;
        }

        /** Primary or replica, with the replica's state and its primary's coordinates. */
        public Builder replicaSource(Source v) {
            replicaSource = v;
            return this;
        }

        public Builder stale(boolean v, String reason) {
            stale = v;
            staleReason = reason;
            return this;
        }

        public Builder extractedBytes(Long v) {
            extractedBytes = v;
            return this;
        }

        /** The stream in the repository (null: none): makes this a format-3 manifest. */
        public Builder stream(Stream v) {
            if (v != null) {
                stream = v;
                format = STREAM_FORMAT;
                extractedBytes = v.extractedBytes();
            }
            return this;
        }

        public Manifest build() {
            return new Manifest(format, instance, id, type, parentId, engine.tool(), engine.version(), startedAt,
                    finishedAt, lsns.from(), lsns.to(), coordinates.binlogFile(), coordinates.binlogPosition(),
                    coordinates.gtid(), source.address(), source.serverId(), inventory, checksumAlgorithm, files,
                    replicaSource, stale, staleReason, extractedBytes, stream);
        }
    }

    public BackupRecord.Lsns lsns() {
        return new BackupRecord.Lsns(fromLsn, toLsn);
    }

    /**
     * What an encrypted backup's store shows in the clear ({@code manifest.json} beside the
     * encrypted {@code manifest.json.pgp}): what retention and {@code list} need — ids, times,
     * sizes, LSNs, the chunk objects and the key fingerprints — and nothing of the data: no
     * schemas or tables, no file names, no source address.
     */
    public Manifest summary() {
        Stream chunksOnly = stream == null ? null
                : new Stream(stream.repository(), stream.format(), stream.compression(), stream.codec(),
                        stream.recipients(), stream.chunks(), List.of());
        return new Manifest(format, instance, id, type, parentId, tool, toolVersion, startedAt, finishedAt, fromLsn,
                toLsn, null, null, null, null, null, Map.of(), checksumAlgorithm, List.of(), null, stale, null,
                extractedBytes, chunksOnly);
    }

    /**
     * This manifest as a copy of the backup in the repository at {@code url} has it
     * ({@code repositories:}): its stream lies there, and its files are the small files that go
     * with it (not a local repository's chunk objects, which the stream lists).
     */
    public Manifest copyIn(String url) {
        Stream there = new Stream(url, stream.format(), stream.compression(), stream.codec(), stream.recipients(),
                stream.chunks(), stream.files());
        List<FileEntry> small = files.stream().filter(f -> !f.path().startsWith("chunks/")).toList();
        return new Manifest(format, instance, id, type, parentId, tool, toolVersion, startedAt, finishedAt, fromLsn,
                toLsn, binlogFile, binlogPosition, gtid, sourceAddress, sourceServerId, inventory, checksumAlgorithm,
                small, source, stale, staleReason, extractedBytes, there);
    }

    /** What the backup takes where it lies: its folder's files, and its chunks in the store (format 3). */
    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum() + (stream == null ? 0 : stream.storedBytes());
    }

    public static Manifest read(Path backupDir) throws IOException {
        return MAPPER.readValue(RepositoryLayout.manifest(backupDir).toFile(), Manifest.class);
    }

    /** Written to a temporary 0600 file, then renamed: a crash never leaves half a manifest. */
    public void write(Path backupDir) throws IOException {
        Path target = RepositoryLayout.manifest(backupDir);
        Path tmp = backupDir.resolve(RepositoryLayout.MANIFEST + ".tmp");
        Files.deleteIfExists(tmp);
        RepositoryLayout.createPrivateFile(tmp);
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
}
