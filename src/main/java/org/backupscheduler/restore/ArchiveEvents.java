package org.backupscheduler.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.binlogs.BinlogScan;
import org.backupscheduler.binlogs.BinlogStore;
import org.backupscheduler.binlogs.Replay;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.BinlogFiles;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.replication.PrimaryBinlogs;

/**
 * The events as the repository's binlog archive holds them: its sealed files from the one
 * holding the event after the backup's GTID on, fetched into a private scratch folder (each
 * checked against the CRC32C the index recorded) and read there by {@code mariadb-binlog}.
 * Only sealed files (an open file's prefix may end inside a transaction), so a target must lie
 * within them.
 */
final class ArchiveEvents implements EventSource {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BinlogFiles index;
    private final BinlogStore store;
    private final String instance;
    private final Path scratchParent;
    private Path work;

    ArchiveEvents(BinlogFiles index, BinlogStore store, String instance, Path scratchParent) {
        this.index = index;
        this.store = store;
        this.instance = instance;
        this.scratchParent = scratchParent;
    }

    @Override
    public String describe() {
        return "the binlog archive (" + store.describe() + ")";
    }

    @Override
    public String missing(Coordinates from) {
        if (from.gtid() == null || from.gtid().isEmpty()) {
            return "backup's position " + from + " has no GTID, and the archive is read by GTID";
        }
        try {
            Replay.plan(index.list(instance), from.gtid());
            return null;
        } catch (UserError e) {
            return e.getMessage();
        }
    }

    @Override
    public String beyond(RecoveryTarget target) {
        List<BinlogFileRecord> sealed = index.list(instance).stream().filter(BinlogFileRecord::sealed).toList();
        if (sealed.isEmpty()) {
            return "the archive holds no sealed binlog file yet";
        }
        BinlogFileRecord newest = sealed.get(sealed.size() - 1);
        if (target.time() != null) {
            Instant at = target.time().atZone(ZoneId.systemDefault()).toInstant();
            if (newest.lastEventAt() == null || newest.lastEventAt().isBefore(at)) {
                return "the archive's newest sealed event is at " + (newest.lastEventAt() == null ? "an unknown time"
                        : LocalDateTime.ofInstant(newest.lastEventAt(), ZoneId.systemDefault())) + " ("
                        + newest.fileName() + "), before the target: what followed is not archived yet";
            }
            return null;
        }
        // The state after the newest sealed file: its starting GTID list, advanced by its own events.
        Map<String, Long> have = new TreeMap<>(PrimaryBinlogs.seqByDomain(nonNull(newest.gtidListStart())));
        PrimaryBinlogs.seqByDomain(nonNull(newest.lastGtids())).forEach((d, seq) -> have.merge(d, seq, Math::max));
        String end = newest.lastGtids() != null ? newest.lastGtids() : newest.gtidListStart();
        boolean reached = PrimaryBinlogs.seqByDomain(target.gtid()).entrySet().stream()
                .allMatch(e -> have.getOrDefault(e.getKey(), -1L) >= e.getValue());
        return reached ? null : "the archive ends at GTID " + end + " (" + newest.fileName() + "), not yet "
                + target.gtid();
    }

    private static String nonNull(String gtids) {
        return gtids == null ? "" : gtids;
    }

    @Override
    public List<String> events(Coordinates from, RecoveryTarget target) throws IOException {
        Replay.Plan plan = Replay.plan(index.list(instance), from.gtid());
        work = scratchParent.resolve("bs-side-events-" + HexFormat.of().formatHex(RANDOM.generateSeed(6)));
        OwnedFolders.makeScratch(work);
        List<String> argv = new ArrayList<>(List.of("mariadb-binlog", "--start-position=" + from.gtid()));
        argv.addAll(target.stopOptions());
        for (BinlogFileRecord f : plan.files()) {
            Path local = work.resolve(f.fileName());
            try (InputStream in = store.open(f.fileName())) {
                Files.copy(in, local);
            }
            String sum = BinlogScan.read(local).checksum();
            if (!sum.equals(f.checksum())) {
                throw new IOException("archived binlog " + store.key(f.fileName()) + " is damaged: CRC32C " + sum
                        + ", the index says " + f.checksum());
            }
            argv.add(local.toString());
        }
        return argv;
    }

    @Override
    public void close() throws IOException {
        // The store is the caller's; the fetched files are ours.
        if (work != null) {
            OwnedFolders.deleteScratch(work);
        }
    }
}
