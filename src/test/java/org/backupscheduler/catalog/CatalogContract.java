package org.backupscheduler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.backupscheduler.UserError;
import org.backupscheduler.engine.Coordinates;

/**
 * What every catalog database must do, run against each one we support: H2, MariaDB, MySQL.
 * The migrations ran when the catalog was opened.
 */
final class CatalogContract {
    private static final BackupRecord.Engine ENGINE = new BackupRecord.Engine("mariabackup", "10.11.19-MariaDB");
    private static final BackupRecord.Source SOURCE = new BackupRecord.Source("127.0.0.1:3306", null);
    private CatalogContract() {
    }

    static void check(Catalog catalog) {
        checkBinlogFiles(catalog);
        Backups backups = catalog.backups();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        BackupRecord running = BackupRecord.running("db1", "20261124-090000F", BackupType.FULL, null, t0,
                ENGINE, SOURCE, "/repo/db1/20261124-090000F");
        backups.insert(running, ProcessIdentity.current());
        // The id is the key: a second process that picked it in the same second is told, not failed.
        BackupRecord sameSecond = BackupRecord.skipped("db1", running.id(), BackupType.FULL, t0, ENGINE, SOURCE,
                running.path(), "another run holds the lease");
        assertFalse(backups.insertIfNew(sameSecond, ProcessIdentity.current()));
        assertEquals(running, backups.find("db1", running.id()).orElseThrow(), "the first row is untouched");

        BackupRecord completed = running.completed(BackupStatus.COMPLETED, t0.plusSeconds(42),
                new BackupRecord.Contents(123_456_789_012L, 321), new BackupRecord.Lsns(0L, 44404L),
                new Coordinates("bin.000001", 1277L, "0-7-5"), 7L, null);
        backups.update(completed);
        assertEquals(completed, backups.find("db1", running.id()).orElseThrow());

        // A RUNNING row left by a process that is gone (pid 0 is never a live process) becomes FAILED.
        BackupRecord orphan = BackupRecord.running("db1", "20261124-100000F", BackupType.FULL, null,
                t0.plusSeconds(3600), ENGINE, SOURCE, "/repo/db1/20261124-100000F");
        backups.insert(orphan, new ProcessIdentity(ProcessIdentity.hostName(), Integer.MAX_VALUE - 1, 1L));
        assertEquals(List.of(orphan.id()), backups.failOrphans("db1"));
        BackupRecord failed = backups.find("db1", orphan.id()).orElseThrow();
        assertEquals(BackupStatus.FAILED, failed.status());
        assertTrue(failed.reason().contains("died"), failed.reason());
        // The live one (ours) is left alone.
        assertEquals(List.of(), backups.failOrphans("db1"));

        List<BackupRecord> newestFirst = backups.list("db1", 10, 0);
        assertEquals(List.of(orphan.id(), running.id()), newestFirst.stream().map(BackupRecord::id).toList());
        assertEquals(List.of(running.id()), backups.list("db1", 10, 1).stream().map(BackupRecord::id).toList());
        assertEquals(List.of(), backups.list("other", 10, 0));

        assertCountsKept(catalog, "db1");

        checkPins(catalog, completed, failed);
        assertCountsKept(catalog, "db1");
        checkRestoreOrphans(catalog);
        checkCounts(catalog);
    }

    /**
     * backup_counts (V22) says what counting the rows says after every kind of write: an insert,
     * a key already taken, a batch, an update that changes the status and one that does not, an
     * orphan marked FAILED, the runs of an expired lease holder, and an update of a missing row.
     */
    private static void checkCounts(Catalog catalog) {
        Backups backups = catalog.backups();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<BackupRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            BackupRecord b = BackupRecord.running("db3", "20261125-00000" + i + "F", BackupType.FULL, null,
                    t0.plusSeconds(i), ENGINE, SOURCE, "/repo/db3/" + i);
            batch.add(i < 3 ? b : b.completed(BackupStatus.VERIFIED, t0.plusSeconds(i + 1), null, null, null, 1L,
                    null));
        }
        backups.insertBatch(batch, ProcessIdentity.current());
        assertEquals(Map.of(BackupStatus.RUNNING, 3L, BackupStatus.VERIFIED, 2L), backups.countByStatus("db3"));
        assertFalse(backups.insertIfNew(batch.get(0), ProcessIdentity.current()));
        backups.update(batch.get(3).withStatus(BackupStatus.EXPIRED, "by the test"));
        backups.update(batch.get(3).withStatus(BackupStatus.EXPIRED, "again, the same status"));
        backups.update(batch.get(4).withFinishedAt(t0.plusSeconds(99)));
        assertThrows(CatalogException.class, () -> backups.update(BackupRecord.running("db3", "no-such-id",
                BackupType.FULL, null, t0, ENGINE, SOURCE, "/x").withStatus(BackupStatus.FAILED, null)));
        assertCountsKept(catalog, "db3");
        backups.insert(BackupRecord.running("db3", "20261125-000009F", BackupType.FULL, null, t0.plusSeconds(9),
                ENGINE, SOURCE, "/repo/db3/9"), new ProcessIdentity(ProcessIdentity.hostName(), Integer.MAX_VALUE - 1,
                1L));
        assertEquals(List.of("20261125-000009F"), backups.failOrphans("db3"));
        assertCountsKept(catalog, "db3");
        ProcessIdentity elsewhere = new ProcessIdentity("other-host", 42, 1L);
        backups.insert(BackupRecord.running("db3", "20261125-000010F", BackupType.FULL, null, t0.plusSeconds(10),
                ENGINE, SOURCE, "/repo/db3/10"), elsewhere);
        assertEquals(List.of("20261125-000010F"), backups.failRunsOfExpiredHolder("db3", "other-host", 42, t0));
        assertCountsKept(catalog, "db3");
        assertEquals(Map.of(BackupStatus.RUNNING, 3L, BackupStatus.VERIFIED, 1L, BackupStatus.EXPIRED, 1L,
                BackupStatus.FAILED, 2L), backups.countByStatus("db3"));
        assertEquals(Map.of(), backups.countByStatus("no-such-instance"));
    }

    /** The kept counts of {@code instance} equal counting its rows. */
    static void assertCountsKept(Catalog catalog, String instance) {
        Map<BackupStatus, Long> counted = new java.util.EnumMap<>(BackupStatus.class);
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, COUNT(*) FROM backups WHERE instance=? GROUP BY status")) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counted.put(BackupStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertEquals(counted, catalog.backups().countByStatus(instance));
    }

    /**
     * A restore left RUNNING by a process that died becomes FAILED with the reason, saying where
     * the old datadir is when it had been moved; a live one's row stays RUNNING.
     */
    private static void checkRestoreOrphans(Catalog catalog) {
        Restores restores = catalog.backups().restores();
        ProcessIdentity dead = deadProcess();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        restores.start("db1", "20261124-110000", "r1", "20261124-090000F", null, t0, dead);
        restores.start("db1", "20261124-110001", "r1", "20261124-090000F", null, t0, dead);
        restores.movedAside("db1", "20261124-110001", "/var/lib/mysql.before-restore-20261124-110001");
        restores.start("db1", "20261124-110002", "r1", "20261124-090000F", null, t0, ProcessIdentity.current());

        assertEquals(List.of("20261124-110000", "20261124-110001"),
                restores.failOrphans("db1").stream().sorted().toList());
        Restores.Row notMoved = restores.find("db1", "20261124-110000").orElseThrow();
        assertEquals("FAILED", notMoved.status());
        assertEquals("the process running it (pid " + dead.pid() + " on " + dead.host() + ") died before it "
                + "finished; found at the next start; the old datadir had not been moved", notMoved.reason());
        Restores.Row moved = restores.find("db1", "20261124-110001").orElseThrow();
        assertEquals("FAILED", moved.status());
        assertTrue(moved.reason().endsWith("; the old datadir is kept at /var/lib/mysql.before-restore-20261124-110001: "
                + "check the replica before moving it back"), moved.reason());
        assertEquals("RUNNING", restores.find("db1", "20261124-110002").orElseThrow().status(), "ours lives");
        assertEquals(List.of(), restores.failOrphans("db1"));
    }

    /** The identity of a process of this host that ran and is gone (reaped). */
    static ProcessIdentity deadProcess() {
        try {
            Process p = new ProcessBuilder("true").start();
            long started = p.info().startInstant().map(Instant::toEpochMilli).orElse(1L);
            p.waitFor();
            return new ProcessIdentity(ProcessIdentity.hostName(), p.pid(), started);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A reader's pin counts while its process lives and goes when released; the pin of a process
     * that died counts for nothing and is cleared; a backup expired before the pin is refused.
     */
    /** The binlog archive's index: an open file's prefix grows, its seal is final. */
    private static void checkBinlogFiles(Catalog catalog) {
        BinlogFiles index = catalog.binlogFiles();
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        BinlogFileRecord open = new BinlogFileRecord("db1", "mysql-bin.000002", 1L, "0-1-3", "0-1-4", "0-1-5",
                t, t, 500, "0000abcd", t, null);
        index.record(open);
        BinlogFileRecord longer = new BinlogFileRecord("db1", "mysql-bin.000002", 1L, "0-1-3", "0-1-4", "0-1-9",
                t, t.plusSeconds(5), 900, "0000abce", t.plusSeconds(5), null);
        index.record(longer);
        BinlogFileRecord sealed = new BinlogFileRecord("db1", "mysql-bin.000002", 1L, "0-1-3", "0-1-4", "0-1-9",
                t, t.plusSeconds(5), 950, "0000abcf", t.plusSeconds(6), t.plusSeconds(6));
        index.record(sealed);
        // A late prefix (a pass that read before the seal) does not undo it.
        index.record(longer);
        index.record(new BinlogFileRecord("db1", "mysql-bin.000001", 1L, "", "0-1-1", "0-1-3", t, t, 300,
                "00001234", t, t));
        assertEquals(List.of("mysql-bin.000001", "mysql-bin.000002"),
                index.list("db1").stream().map(BinlogFileRecord::fileName).toList());
        assertEquals(sealed, index.list("db1").get(1));
        assertEquals(List.of(), index.list("db2"));
    }

    private static void checkPins(Catalog catalog, BackupRecord verified, BackupRecord expiring) {
        BackupPins pins = catalog.backups().pins();
        try (BackupPins.Pin pin = pins.hold("db1", List.of(verified), "restore")) {
            assertEquals(List.of(verified.id()), List.copyOf(pins.active("db1").keySet()));
            String holder = pins.active("db1").get(verified.id());
            assertTrue(holder.startsWith("restore (pid " + ProcessHandle.current().pid() + " on "
                    + ProcessIdentity.hostName() + ", since "), holder);
        }
        assertEquals(Map.of(), pins.active("db1"), "released");

        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO backup_pins (instance, pin_id, backup_id, purpose, owner_host, owner_pid, "
                        + "owner_started_at, pinned_at, expires_at) VALUES ('db1', 'dead', ?, 'restore', ?, ?, 1, 1, ?)")) {
            ps.setString(1, verified.id());
            ps.setString(2, ProcessIdentity.hostName());
            ps.setLong(3, Integer.MAX_VALUE - 1); // never a live pid
            ps.setLong(4, System.currentTimeMillis() + 3_600_000);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertEquals(Map.of(), pins.active("db1"), "a dead reader's pin counts for nothing");
        assertEquals(0, count(catalog, "SELECT COUNT(*) FROM backup_pins"), "and is cleared");

        catalog.backups().update(expiring.withStatus(BackupStatus.EXPIRED, "expired by the test"));
        UserError refused = assertThrows(UserError.class, () -> pins.hold("db1", List.of(verified, expiring),
                "restore"));
        assertEquals("backup " + expiring.id() + " was expired by retention just before the restore could pin it; "
                + "nothing was changed", refused.getMessage());
        assertEquals(UserError.FAILED, refused.exitCode());
        assertEquals(0, count(catalog, "SELECT COUNT(*) FROM backup_pins"), "its pin is not left behind");
    }

    private static long count(Catalog catalog, String sql) {
        try (Connection c = catalog.connection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
