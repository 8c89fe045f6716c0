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
                       Long extractedBytes) {

    public static final int FORMAT = 2;

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

    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
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
