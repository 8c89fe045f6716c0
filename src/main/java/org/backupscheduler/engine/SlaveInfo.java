package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * {@code xtrabackup_slave_info}, written by {@code --slave-info} when the source is a replica:
 * the PRIMARY's coordinates the replica had applied at the backup's consistency point, as SQL.
 * mariabackup writes one of
 * <pre>
 * SET GLOBAL gtid_slave_pos = '0-1-5';
 * CHANGE MASTER TO master_use_gtid = slave_pos;
 * </pre>
 * or {@code CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=1162;}; Percona
 * writes {@code SET GLOBAL gtid_purged='uuid:1-5'; CHANGE MASTER TO MASTER_AUTO_POSITION=1} or
 * the file/position form (SOURCE_ instead of MASTER_ in 8.0.23+).
 */
public final class SlaveInfo {
    private static final Pattern GTID = Pattern.compile("gtid_(?:slave_pos|purged)\\s*=\\s*'([^']*)'",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FILE = Pattern.compile("(?:MASTER|SOURCE)_LOG_FILE\\s*=\\s*'([^']+)'",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern POSITION = Pattern.compile("(?:MASTER|SOURCE)_LOG_POS\\s*=\\s*(\\d+)",
            Pattern.CASE_INSENSITIVE);

    private SlaveInfo() {
    }

    public static Optional<Coordinates> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return parse(Files.readString(file));
    }

    static Optional<Coordinates> parse(String text) {
        String gtid = group(GTID, text);
        String file = group(FILE, text);
        String position = group(POSITION, text);
        if (gtid != null && gtid.isBlank()) {
            gtid = null;
        }
        if (gtid == null && (file == null || position == null)) {
            return Optional.empty();
        }
        return Optional.of(new Coordinates(file, position == null ? null : Long.valueOf(position),
                gtid == null ? null : gtid.replaceAll("\\s+", "")));
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
