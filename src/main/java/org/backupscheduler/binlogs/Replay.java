package org.backupscheduler.binlogs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.engine.ProcessResult;
import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.server.Endpoint;

/**
 * Replays archived events on a server: the sealed files from the one holding the event after
 * {@code from} to the newest sealed one, through {@code mariadb-binlog --start-position=<GTIDs>}
 * and the {@code mariadb} client. The events keep their GTIDs (the SQL sets them per transaction).
 * Only sealed files: an open file's prefix may end inside a transaction.
 */
public final class Replay {
    private static final Duration DEADLINE = Duration.ofHours(6);

    /** The files to replay, the GTID state to start after, and the state once they are applied. */
    public record Plan(List<BinlogFileRecord> files, Map<Long, Gtid> from, Map<Long, Gtid> to) {
        public String fromText() {
            return Gtid.format(from.values());
        }

        public String toText() {
            return Gtid.format(to.values());
        }
    }

    private Replay() {
    }

    /**
     * What replays the archive from {@code from} (a replica's gtid_slave_pos). Refuses (exit 1),
     * naming the missing range, when the archive does not hold every event after it: its first
     * file begins later, or a gap lies between.
     */
    public static Plan plan(List<BinlogFileRecord> rows, String fromText) {
        Map<Long, Gtid> from = BinlogScan.byDomain(Gtid.parseList(fromText));
        List<BinlogFileRecord> sealed = rows.stream().filter(BinlogFileRecord::sealed).toList();
        int first = -1;
        for (int i = 0; i < sealed.size() && first < 0; i++) {
            if (ahead(stateAtEnd(sealed.get(i)), from)) {
                first = i;
            }
        }
        if (first < 0) {
            return new Plan(List.of(), from, from); // the archive holds nothing after it
        }
        BinlogFileRecord start = sealed.get(first);
        for (Gtid s : BinlogScan.byDomain(Gtid.parseList(start.gtidListStart())).values()) {
            Gtid have = from.get(s.domain());
            if (have == null ? s.seq() > 0 : s.seq() > have.seq()) {
                throw new UserError("the archive does not hold the events after " + (have == null
                        ? "the start of domain " + s.domain() : have) + " up to " + s + ": its first file after that "
                        + "position, " + start.fileName() + ", begins later",
                        "rebuild the replica from a backup: bin/backup restore --latest", UserError.FAILED);
            }
        }
        List<BinlogFileRecord> files = sealed.subList(first, sealed.size());
        List<Gap> gaps = Gap.find(files);
        if (!gaps.isEmpty()) {
            throw new UserError("the archive has a gap in the range to replay: " + gaps.get(0).describe(),
                    "rebuild the replica from a backup taken after the gap: bin/backup restore --latest",
                    UserError.FAILED);
        }
        Map<Long, Gtid> to = new TreeMap<>(from);
        to.putAll(stateAtEnd(files.get(files.size() - 1)));
        return new Plan(List.copyOf(files), from, to);
    }

    /** Applies {@code plan} on {@code target}; {@code workDir} is a private folder the caller removes. */
    public static ProcessResult apply(BinlogStore store, Plan plan, Endpoint target, Path workDir) throws IOException {
        return apply(store, plan, target, workDir, List.of());
    }

    /** What a replay up to a time reached: the tools' result and the GTID state after the last event applied. */
    public record Reached(ProcessResult result, String gtids) {
    }

    /**
     * Applies the events of {@code plan} before {@code until} (the server's event times, read in
     * this host's time zone as {@code mariadb-binlog --stop-datetime} reads them, one-second
     * resolution) and says which GTIDs that reached.
     */
    public static Reached applyUntil(BinlogStore store, Plan plan, Endpoint target, Path workDir,
                                     java.time.LocalDateTime until) throws IOException {
        String stop = until.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        ProcessResult r = apply(store, plan, target, workDir, List.of("--stop-datetime=" + stop));
        Map<Long, Gtid> reached = new TreeMap<>(plan.from());
        Path sql = workDir.resolve("replay.sql");
        if (Files.exists(sql)) {
            try (var lines = Files.lines(sql)) {
                // mariadb-binlog prints each transaction's GTID in a comment: "#... GTID 0-1-42 trans".
                lines.filter(l -> l.startsWith("#")).map(GTID_COMMENT::matcher).filter(java.util.regex.Matcher::find)
                        .map(m -> Gtid.parse(m.group(1))).forEach(g -> reached.put(g.domain(), g));
            }
        }
        return new Reached(r, Gtid.format(reached.values()));
    }

    private static final java.util.regex.Pattern GTID_COMMENT = java.util.regex.Pattern.compile("\\bGTID (\\d+-\\d+-\\d+)");

    private static ProcessResult apply(BinlogStore store, Plan plan, Endpoint target, Path workDir, List<String> extra)
            throws IOException {
        List<String> argv = new ArrayList<>(List.of("mariadb-binlog", "--start-position=" + plan.fromText(),
                "--result-file=" + workDir.resolve("replay.sql")));
        argv.addAll(extra);
        for (BinlogFileRecord f : plan.files()) {
            Path local = workDir.resolve(f.fileName());
            try (InputStream in = store.open(f.fileName())) {
                Files.copy(in, local);
            }
            String sum = BinlogScan.read(local).checksum();
            if (!sum.equals(f.checksum())) {
                throw new UserError("archived binlog " + store.key(f.fileName()) + " is damaged: CRC32C " + sum
                        + ", the index says " + f.checksum(), "rebuild the replica from a backup: bin/backup restore "
                        + "--latest", UserError.FAILED);
            }
            argv.add(local.toString());
        }
        ProcessResult decoded = new ProcessRunner(argv, workDir.resolve("mariadb-binlog.log"), DEADLINE).run();
        if (!decoded.succeeded()) {
            return decoded;
        }
        try (CredentialsFile credentials = CredentialsFile.write(target)) {
            // The client reads the file itself ("source"): argv stays a list, no shell, no pipe.
            return new ProcessRunner(List.of("mariadb", credentials.option(), "--batch",
                    "--execute=source " + workDir.resolve("replay.sql")), workDir.resolve("mariadb.log"), DEADLINE).run();
        }
    }

    static Map<Long, Gtid> stateAtEnd(BinlogFileRecord r) {
        Map<Long, Gtid> state = BinlogScan.byDomain(Gtid.parseList(r.gtidListStart()));
        state.putAll(BinlogScan.byDomain(Gtid.parseList(r.lastGtids())));
        return state;
    }

    /** Some domain of {@code state} is past {@code pos}. */
    static boolean ahead(Map<Long, Gtid> state, Map<Long, Gtid> pos) {
        return state.values().stream().anyMatch(g -> pos.get(g.domain()) == null || g.seq() > pos.get(g.domain()).seq());
    }
}
