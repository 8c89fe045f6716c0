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

import org.backupscheduler.UserError;
import org.backupscheduler.backup.OwnedFolders;
import org.backupscheduler.binlogs.BinlogScan;
import org.backupscheduler.binlogs.BinlogStore;
import org.backupscheduler.binlogs.Gtid;
import org.backupscheduler.binlogs.Replay;
import org.backupscheduler.catalog.BinlogFileRecord;
import org.backupscheduler.catalog.BinlogFiles;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.replication.PrimaryBinlogs;

/**
 * The events as the repository's binlog archive holds them: its sealed files from the one
 * holding the event after the backup's GTID, copied into a private scratch folder (checked
 * against their CRC32C) and printed by the same {@code mariadb-binlog}, reading files instead of
 * the primary. For when the primary has purged them.
 */
final class ArchiveEvents implements EventSource {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final BinlogStore store;
    private final List<BinlogFileRecord> index;
    private final Path scratchParent;
    private Path work;

    ArchiveEvents(BinlogStore store, BinlogFiles index, String instance, Path scratchParent) {
        this.store = store;
        this.index = index.list(instance);
        this.scratchParent = scratchParent;
    }

    @Override
    public String describe() {
        return "the binlog archive (" + store.describe() + ")";
    }

    @Override
    public String missing(Coordinates from) {
        if (from.gtid() == null) {
            return "the backup has no GTID position, which the binlog archive is read from";
        }
        try {
            return Replay.plan(index, from.gtid()).files().isEmpty()
                    ? "the binlog archive holds no sealed file after GTID " + from.gtid() : null;
        } catch (UserError e) {
            return e.getMessage();
        }
    }

    @Override
    public String beyond(RecoveryTarget target) {
        if (target.time() != null) {
            // Only sealed files are read: events between the newest sealed one and the target may
            // sit in the open file, and the copy would silently stop short of the target.
            List<BinlogFileRecord> sealed = index.stream().filter(BinlogFileRecord::sealed).toList();
            Instant at = target.time().atZone(ZoneId.systemDefault()).toInstant();
            Instant newest = sealed.isEmpty() ? null : sealed.get(sealed.size() - 1).lastEventAt();
            return newest != null && !newest.isBefore(at) ? null : "the binlog archive's newest sealed event is "
                    + (newest == null ? "unknown" : "at " + LocalDateTime.ofInstant(newest, ZoneId.systemDefault()))
                    + ", before the target: what followed is not sealed in the archive yet ('binlogs pull --once' "
                    + "in poll mode seals it)";
        }
        if (target.gtid() == null) {
            return null;
        }
        Map<String, Long> have = PrimaryBinlogs.seqByDomain(end());
        boolean reached = PrimaryBinlogs.seqByDomain(target.gtid()).entrySet().stream()
                .allMatch(e -> have.getOrDefault(e.getKey(), -1L) >= e.getValue());
        return reached ? null : "the binlog archive's sealed files end at GTID " + end() + ", not yet at "
                + target.gtid();
    }

    private String end() {
        List<BinlogFileRecord> sealed = index.stream().filter(BinlogFileRecord::sealed).toList();
        if (sealed.isEmpty()) {
            return "";
        }
        BinlogFileRecord last = sealed.get(sealed.size() - 1);
        Map<Long, Gtid> state = new java.util.TreeMap<>();
        for (String list : new String[] {last.gtidListStart(), last.lastGtids()}) {
            Gtid.parseList(list).forEach(g -> state.merge(g.domain(), g, (a, b) -> a.seq() >= b.seq() ? a : b));
        }
        return Gtid.format(state.values());
    }

    @Override
    public List<String> events(Coordinates from, RecoveryTarget target) throws IOException {
        Replay.Plan plan = Replay.plan(index, from.gtid());
        if (work == null) {
            work = scratchParent.resolve("bs-archive-events-" + HexFormat.of().formatHex(RANDOM.generateSeed(6)));
            OwnedFolders.makeScratch(work);
        }
        List<String> argv = new ArrayList<>(List.of("mariadb-binlog", "--start-position=" + from.gtid()));
        argv.addAll(target.stopOptions());
        for (BinlogFileRecord f : plan.files()) {
            Path local = work.resolve(f.fileName());
            if (!Files.exists(local)) {
                try (InputStream in = store.open(f.fileName())) {
                    Files.copy(in, local);
                }
                String sum = BinlogScan.read(local).checksum();
                if (!sum.equals(f.checksum())) {
                    throw new IOException("archived binlog " + store.key(f.fileName()) + " is damaged: CRC32C " + sum
                            + ", the index says " + f.checksum());
                }
            }
            argv.add(local.toString());
        }
        return argv;
    }

    @Override
    public void close() throws IOException {
        try {
            if (work != null) {
                OwnedFolders.deleteScratch(work);
            }
        } finally {
            store.close();
        }
    }
}
