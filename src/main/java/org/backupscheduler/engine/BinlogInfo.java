package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;


/**
 * {@code xtrabackup_binlog_info}: {@code file<TAB>position[<TAB>gtid]}. MySQL GTID sets may span
 * lines ("uuid:1-5,\nuuid:1-3"); everything after the position is the GTID state.
 */
public final class BinlogInfo {
    private BinlogInfo() {
    }

    public static Optional<Coordinates> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return parse(Files.readString(file));
    }

    static Optional<Coordinates> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = trimmed.split("\\s+", 3);
        if (parts.length < 2) {
            return Optional.empty();
        }
        long position;
        try {
            position = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String gtid = parts.length == 3 ? parts[2].replaceAll("\\s+", "") : null;
        return Optional.of(new Coordinates(parts[0], position, gtid == null || gtid.isEmpty() ? null : gtid));
    }
}
