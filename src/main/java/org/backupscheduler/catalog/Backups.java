package org.backupscheduler.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.backupscheduler.engine.Coordinates;

/** The backups table: every write is one short statement with bound parameters. */
public final class Backups {
    private static final String COLUMNS = "instance, id, type, parent_id, status, started_at, finished_at, "
            + "size_bytes, file_count, tool, tool_version, from_lsn, to_lsn, binlog_file, binlog_position, gtid, "
            + "source_address, source_server_id, path, reason";

    private final Catalog catalog;

    Backups(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Where each backup was taken (primary or replica, lag, the primary's coordinates). */
    /** Which repositories hold a copy of each backup ({@code repositories:}). */
    public BackupCopies copies() {
        return new BackupCopies(catalog);
    }

    public BackupSources sources() {
        return new BackupSources(catalog);
    }

    /** The lock policy's audit trail. */
    public LockActions lockActions() {
        return new LockActions(catalog);
    }

    /** What the run holding an instance's lease publishes: its backup and its server sessions. */
    public Leases leases() {
        return new Leases(catalog);
    }

    /** Every restore and its steps. */
    public Restores restores() {
        return new Restores(catalog);
    }

    /** The binlog archive's index (restore rolls forward from it). */
    public BinlogFiles binlogFiles() {
        return new BinlogFiles(catalog);
    }

    /** Objects of failed backups still in a store off the host, for the next start to remove. */
    public StoreLeftovers storeLeftovers() {
        return new StoreLeftovers(catalog);
    }

    /** Backups being read right now, which retention keeps. */
    public BackupPins pins() {
        return new BackupPins(catalog);
    }

    /**
     * After the disk under an embedded (H2) catalog was full: a store that failed a write goes on
     * taking changes it never writes (measured: rows updated once the disk had room again were
     * gone when the file was next opened). Closing it makes the next connection open the file
     * again as it was last written, and writes land again. Nothing for a server catalog.
     */
    public void reopenEmbeddedStore() {
        if (!catalog.isEmbedded()) {
            return;
        }
        // SHUTDOWN writes what it can first; a store whose writes fail refuses it (its own write
        // error), and only SHUTDOWN IMMEDIATELY, which writes nothing, closes it.
        for (String shutdown : List.of("SHUTDOWN", "SHUTDOWN IMMEDIATELY")) {
            try (Connection c = catalog.connection(); Statement s = c.createStatement()) {
                s.execute(shutdown);
                return;
            } catch (SQLException e) {
                // try the next way; a store closed by neither fails the next write, which says why
            }
        }
    }

    /** Every verification run of each backup, kept as history. */
    public Verifications verifications() {
        return new Verifications(catalog);
    }

    /** Records a new backup, owned by {@code owner} while it is RUNNING. */
    public void insert(BackupRecord b, ProcessIdentity owner) {
        if (!insertIfNew(b, owner)) {
            throw new CatalogException("insert backup " + b.id() + ": the id is taken", null);
        }
    }

    /**
     * Records a new backup unless its id is already in the catalog (false): two processes that
     * picked the same id in the same second find out here, and the loser picks the next one.
     */
    public boolean insertIfNew(BackupRecord b, ProcessIdentity owner) {
        String sql = "INSERT INTO backups (" + COLUMNS + ", owner_host, owner_pid, owner_started_at) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        try {
            return inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = bind(ps, b);
                    ps.setString(++i, owner.host());
                    ps.setLong(++i, owner.pid());
                    ps.setLong(++i, owner.startedAtMillis());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (isKeyTaken(e)) {
                        return false;
                    }
                    throw e;
                }
                count(c, b.instance(), Map.of(b.status().name(), 1L));
                return true;
            });
        } catch (SQLException e) {
            throw new CatalogException("insert backup " + b.id(), e);
        }
    }

    /** SQLSTATE class 23: integrity constraint violation, here a primary key. */
    private static boolean isKeyTaken(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    /** One unit of work in one transaction on its own connection: committed, or rolled back on any failure. */
    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = catalog.connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Adds each status's delta to the instance's row in {@code backup_counts} (V22), in the
     * caller's transaction: the counts change with the rows they count. Statuses in name order,
     * so that two transactions lock the count rows in the same order.
     */
    private static void count(Connection c, String instance, Map<String, Long> deltas) throws SQLException {
        for (Map.Entry<String, Long> d : new TreeMap<>(deltas).entrySet()) {
            if (d.getValue() == 0 || addCount(c, instance, d.getKey(), d.getValue())) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO backup_counts (instance, status, n) VALUES (?, ?, ?)")) {
                ps.setString(1, instance);
                ps.setString(2, d.getKey());
                ps.setLong(3, d.getValue());
                ps.executeUpdate();
            } catch (SQLException e) {
                // Another transaction made the row first (its first backup in this status): add to it.
                if (!isKeyTaken(e) || !addCount(c, instance, d.getKey(), d.getValue())) {
                    throw e;
                }
            }
        }
    }

    private static boolean addCount(Connection c, String instance, String status, long delta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE backup_counts SET n = n + ? WHERE instance=? AND status=?")) {
            ps.setLong(1, delta);
            ps.setString(2, instance);
            ps.setString(3, status);
            return ps.executeUpdate() == 1;
        }
    }

    /** Records many backups in one transaction (used to fill large catalogs for benchmarks). */
    public void insertBatch(java.util.List<BackupRecord> rows, ProcessIdentity owner) {
        String sql = "INSERT INTO backups (" + COLUMNS + ", owner_host, owner_pid, owner_started_at) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            for (BackupRecord b : rows) {
                int i = bind(ps, b);
                ps.setString(++i, owner.host());
                ps.setLong(++i, owner.pid());
                ps.setLong(++i, owner.startedAtMillis());
                ps.addBatch();
            }
            ps.executeBatch();
            Map<String, Map<String, Long>> deltas = new TreeMap<>();
            rows.forEach(b -> deltas.computeIfAbsent(b.instance(), k -> new TreeMap<>())
                    .merge(b.status().name(), 1L, Long::sum));
            for (Map.Entry<String, Map<String, Long>> d : deltas.entrySet()) {
                count(c, d.getKey(), d.getValue());
            }
            c.commit();
            c.setAutoCommit(auto);
        } catch (SQLException e) {
            throw new CatalogException("insert " + rows.size() + " backups", e);
        }
    }

    /** Rewrites every field of an existing backup (its key stays). */
    public void update(BackupRecord b) {
        String assignments = String.join("=?, ", COLUMNS.split(", ")) + "=?";
        String sql = "UPDATE backups SET " + assignments + " WHERE instance=? AND id=?";
        try {
            inTransaction(c -> {
                String was = null;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT status FROM backups WHERE instance=? AND id=? FOR UPDATE")) {
                    ps.setString(1, b.instance());
                    ps.setString(2, b.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        was = rs.next() ? rs.getString(1) : null;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = bind(ps, b);
                    ps.setString(++i, b.instance());
                    ps.setString(++i, b.id());
                    if (was == null || ps.executeUpdate() != 1) {
                        throw new CatalogException("update backup " + b.id() + ": no such backup", null);
                    }
                }
                if (!was.equals(b.status().name())) {
                    count(c, b.instance(), Map.of(was, -1L, b.status().name(), 1L));
                }
                return null;
            });
        } catch (SQLException e) {
            throw new CatalogException("update backup " + b.id(), e);
        }
    }

    public Optional<BackupRecord> find(String instance, String id) {
        List<BackupRecord> found = query("SELECT " + COLUMNS + " FROM backups WHERE instance=? AND id=?",
                instance, id);
        return found.stream().findFirst();
    }

    /**
     * Newest first within one instance. The instance (bound by {@code instance=?}) leads the order
     * as it leads the index {@code backups_newest}: H2 reads a sorted index only when the order
     * names its columns from the first, and otherwise fetched and sorted every row of the
     * instance for a page of 50 (docs/benchmarks.md, "Catalog at fleet scale").
     */
    static final String NEWEST_FIRST = " ORDER BY instance, started_at DESC, id DESC";

    /** As {@link #NEWEST_FIRST}, within one instance and status: the index {@code backups_newest_by_status}. */
    static final String NEWEST_FIRST_BY_STATUS = " ORDER BY instance, status, started_at DESC, id DESC";

    /** The page {@link #list} reads. */
    static final String LIST = "SELECT " + COLUMNS + " FROM backups WHERE instance=?" + NEWEST_FIRST
            + " LIMIT ? OFFSET ?";

    /** The row {@link #newest} reads. */
    static final String NEWEST = "SELECT " + COLUMNS + " FROM backups WHERE instance=? AND status=?"
            + NEWEST_FIRST_BY_STATUS + " LIMIT 1";

    /** Newest first, one page. */
    public List<BackupRecord> list(String instance, int limit, int offset) {
        return query(LIST, instance, Math.max(0, limit), Math.max(0, offset));
    }

    /** Newest first, every row of the instance: what retention decides over. */
    public List<BackupRecord> all(String instance) {
        return query("SELECT " + COLUMNS + " FROM backups WHERE instance=?" + NEWEST_FIRST, instance);
    }

    /** Newest first, only backups in one of the given statuses. */
    public List<BackupRecord> listByStatus(String instance, BackupStatus status) {
        return query("SELECT " + COLUMNS + " FROM backups WHERE instance=? AND status=?" + NEWEST_FIRST_BY_STATUS,
                instance, status.name());
    }

    /** Oldest first, every backup that started in [from, to): the report's window. */
    public List<BackupRecord> startedBetween(String instance, Instant from, Instant to) {
        return query("SELECT " + COLUMNS + " FROM backups WHERE instance=? AND started_at>=? AND started_at<? "
                + "ORDER BY started_at, id", instance, from.toEpochMilli(), to.toEpochMilli());
    }

    /** The newest backup in this status, if any (one indexed row, whatever the catalog's size). */
    public Optional<BackupRecord> newest(String instance, BackupStatus status) {
        return query(NEWEST, instance, status.name()).stream().findFirst();
    }

    /**
     * How many backups of this instance are in each status (retention state): one row per status
     * of {@code backup_counts}, which every write here keeps, instead of counting the rows.
     */
    public java.util.Map<BackupStatus, Long> countByStatus(String instance) {
        java.util.Map<BackupStatus, Long> counts = new java.util.EnumMap<>(BackupStatus.class);
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, n FROM backup_counts WHERE instance=? AND n > 0")) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(BackupStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("count backups", e);
        }
        return counts;
    }

    /**
     * Marks FAILED every RUNNING backup of this host whose process is gone: it was killed or
     * crashed, and nothing else would ever finish the row. Returns the ids marked.
     */
    public List<String> failOrphans(String instance) {
        List<String> marked = new ArrayList<>();
        String sql = "SELECT id, owner_host, owner_pid, owner_started_at FROM backups "
                + "WHERE instance=? AND status='RUNNING'";
        Map<String, ProcessIdentity> running = new java.util.LinkedHashMap<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    running.put(rs.getString(1), new ProcessIdentity(String.valueOf(rs.getString(2)), rs.getLong(3),
                            rs.getLong(4)));
                }
            }
            for (Map.Entry<String, ProcessIdentity> r : running.entrySet()) {
                ProcessIdentity owner = r.getValue();
                if (owner.isGoneFromThisHost()) {
                    marked.add(r.getKey());
                    markFailed(instance, r.getKey(), "the process running it (pid " + owner.pid()
                            + " on " + owner.host() + ") died before it finished; found at the next start");
                }
            }
        } catch (SQLException e) {
            throw new CatalogException("look for interrupted backups", e);
        }
        return marked;
    }

    /**
     * Marks FAILED the RUNNING backups of a process on another host whose lease expired: that
     * host cannot be asked whether its process lives, but it stopped renewing the lease, so its
     * run is over (the lease TTL is far above any heartbeat delay). Returns the ids marked.
     */
    public List<String> failRunsOfExpiredHolder(String instance, String host, long pid, Instant expiredAt) {
        List<String> marked = new ArrayList<>();
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement("SELECT id FROM backups "
                + "WHERE instance=? AND status='RUNNING' AND owner_host=? AND owner_pid=?")) {
            ps.setString(1, instance);
            ps.setString(2, host);
            ps.setLong(3, pid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    marked.add(rs.getString(1));
                }
            }
            for (String id : marked) {
                markFailed(instance, id, "the process running it (pid " + pid + " on " + host
                        + ") stopped renewing its lease, which expired at " + expiredAt
                        + "; its partial folder is on that host");
            }
        } catch (SQLException e) {
            throw new CatalogException("fail the runs of an expired lease holder", e);
        }
        return marked;
    }

    /** RUNNING → FAILED with {@code reason}; a row another process finished meanwhile is left as it is. */
    private void markFailed(String instance, String id, String reason) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE backups SET status='FAILED', reason=?, "
                    + "finished_at=COALESCE(finished_at, ?) WHERE instance=? AND id=? AND status='RUNNING'")) {
                ps.setString(1, reason);
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, instance);
                ps.setString(4, id);
                if (ps.executeUpdate() == 1) {
                    count(c, instance, Map.of(BackupStatus.RUNNING.name(), -1L, BackupStatus.FAILED.name(), 1L));
                }
            }
            return null;
        });
    }

    private List<BackupRecord> query(String sql, Object... params) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof String s) {
                    ps.setString(i + 1, s);
                } else {
                    ps.setLong(i + 1, ((Number) params[i]).longValue());
                }
            }
            List<BackupRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CatalogException("read backups", e);
        }
    }

    private static int bind(PreparedStatement ps, BackupRecord b) throws SQLException {
        int i = 0;
        ps.setString(++i, b.instance());
        ps.setString(++i, b.id());
        ps.setString(++i, b.type().word());
        ps.setString(++i, b.parentId());
        ps.setString(++i, b.status().name());
        setTime(ps, ++i, b.startedAt());
        setTime(ps, ++i, b.finishedAt());
        setLong(ps, ++i, b.sizeBytes());
        setLong(ps, ++i, b.fileCount() == null ? null : b.fileCount().longValue());
        ps.setString(++i, b.tool());
        ps.setString(++i, b.toolVersion());
        setLong(ps, ++i, b.fromLsn());
        setLong(ps, ++i, b.toLsn());
        ps.setString(++i, b.coordinates().binlogFile());
        setLong(ps, ++i, b.coordinates().binlogPosition());
        ps.setString(++i, b.coordinates().gtid());
        ps.setString(++i, b.sourceAddress());
        setLong(ps, ++i, b.sourceServerId());
        ps.setString(++i, b.path());
        ps.setString(++i, truncate(b.reason()));
        return i;
    }

    static BackupRecord read(ResultSet rs) throws SQLException {
        Long files = longOrNull(rs, "file_count");
        return new BackupRecord(rs.getString("instance"), rs.getString("id"), BackupType.of(rs.getString("type")),
                rs.getString("parent_id"), BackupStatus.valueOf(rs.getString("status")), time(rs, "started_at"),
                time(rs, "finished_at"),
                new BackupRecord.Contents(longOrNull(rs, "size_bytes"), files == null ? null : files.intValue()),
                new BackupRecord.Engine(rs.getString("tool"), rs.getString("tool_version")),
                new BackupRecord.Lsns(longOrNull(rs, "from_lsn"), longOrNull(rs, "to_lsn")),
                new Coordinates(rs.getString("binlog_file"), longOrNull(rs, "binlog_position"), rs.getString("gtid")),
                new BackupRecord.Source(rs.getString("source_address"), longOrNull(rs, "source_server_id")),
                rs.getString("path"), rs.getString("reason"));
    }

    private static String truncate(String reason) {
        return reason == null || reason.length() <= 2000 ? reason : reason.substring(0, 1997) + "...";
    }

    static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        setLong(ps, i, t == null ? null : t.toEpochMilli());
    }

    static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Instant time(ResultSet rs, String column) throws SQLException {
        Long ms = longOrNull(rs, column);
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }
}
