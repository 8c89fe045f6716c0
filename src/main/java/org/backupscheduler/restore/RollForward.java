package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.server.Endpoint;

/**
 * Point in time: the last transaction the primary committed before {@code until}. We read the
 * primary's binlogs with {@code mariadb-binlog --read-from-remote-server --stop-datetime} (it
 * prints only events before the time) and take the last GTID of each domain and the last end
 * position; the replica is then started with {@code START SLAVE UNTIL} that position, so the
 * server itself applies the events — with its own checks — and stops exactly there.
 *
 * <p>Limits: times are the primary's event timestamps, in this host's time zone (as
 * mariadb-binlog reads them), with one-second resolution; events of one second are all before
 * or all after the target; the binlogs must still be on the primary.
 */
final class RollForward {
    private static final DateTimeFormatter STOP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern GTID = Pattern.compile("\\bGTID (\\d+-\\d+-\\d+)");
    private static final Pattern END = Pattern.compile("end_log_pos (\\d+)");

    private RollForward() {
    }

    /** The position to stop at, reading {@code files} (oldest first) of the primary. */
    static Coordinates until(Endpoint primary, List<String> files, LocalDateTime until, Path workDir)
            throws IOException {
        String lastFile = null;
        long lastPos = 0;
        Map<String, String> lastGtidByDomain = new LinkedHashMap<>();
        try (CredentialsFile credentials = CredentialsFile.write(primary)) {
            for (String file : files) {
                Path out = workDir.resolve("binlog-" + file + ".txt");
                List<String> argv = new ArrayList<>(List.of("mariadb-binlog", credentials.option(),
                        "--read-from-remote-server", "--stop-datetime=" + STOP.format(until), file));
                ProcessResult r = new ProcessRunner(argv, out, Duration.ofMinutes(30)).run();
                if (!r.succeeded()) {
                    throw new IOException("reading binlog " + file + " from the primary failed: " + r.describe());
                }
                boolean events = false;
                for (String line : Files.readAllLines(out)) {
                    if (!line.startsWith("#") || !line.contains("end_log_pos")) {
                        continue;
                    }
                    Matcher end = END.matcher(line);
                    if (end.find() && !line.contains("Format_desc") && !line.contains("Gtid_list")
                            && !line.contains("Binlog checkpoint") && !line.contains("Rotate")) {
                        lastFile = file;
                        lastPos = Long.parseLong(end.group(1));
                        events = true;
                    }
                    Matcher g = GTID.matcher(line);
                    if (g.find()) {
                        String gtid = g.group(1);
                        lastGtidByDomain.put(gtid.substring(0, gtid.indexOf('-')), gtid);
                    }
                }
                Files.deleteIfExists(out);
                if (!events && lastFile != null) {
                    break;
                }
            }
        }
        String gtid = lastGtidByDomain.isEmpty() ? null : String.join(",", lastGtidByDomain.values());
        return new Coordinates(lastFile, lastFile == null ? null : lastPos, gtid);
    }
}
