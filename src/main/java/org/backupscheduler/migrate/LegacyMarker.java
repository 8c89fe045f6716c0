package org.backupscheduler.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.backupscheduler.storage.PrivateFiles;

/**
 * {@code <repository>/<instance>/<id>/legacy.json}: the repository's record of an imported
 * hotcopy folder. The folder itself stays where mysqlhotcopy left it (it is only read), so without
 * this marker a rebuilt catalog would forget it; with it, {@code catalog rebuild} re-runs the
 * folder's own check and brings it back LEGACY (or INVALID), never as an engine backup.
 */
public record LegacyMarker(int format, String instance, String id, String folder, Instant importedAt) {
    public static final String FILE = "legacy.json";
    public static final int FORMAT = 1;

    public static boolean isIn(Path backupDir) {
        return Files.isRegularFile(backupDir.resolve(FILE));
    }

    public static LegacyMarker read(Path backupDir) throws IOException {
        return MAPPER.readValue(backupDir.resolve(FILE).toFile(), LegacyMarker.class);
    }

    /** Into {@code instanceDir/id/}, 0700/0600, written to a temporary file and renamed. */
    public void write(Path instanceDir) throws IOException {
        Path dir = instanceDir.resolve(id);
        PrivateFiles.createDir(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        PrivateFiles.createFile(tmp);
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
}
