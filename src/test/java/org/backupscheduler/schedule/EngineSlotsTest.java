package org.backupscheduler.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.config.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Assertions;

/** Engine slots on the embedded catalog: a second engine on one host waits for the first, others do not. */
class EngineSlotsTest {
    @TempDir
    Path dir;

    @Test
    void aSecondEngineOnOneHostWaitsUntilTheFirstEndsAndAnotherHostDoesNot() throws Exception {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null);
             EngineSlots slots = new EngineSlots(catalog, Limits.DEFAULT, Clock.systemUTC())) {
            EngineGate.Pass first = slots.take("db1", "db-host-1", 1);
            CompletableFuture<EngineGate.Pass> second = CompletableFuture.supplyAsync(() -> take(slots, "db2",
                    "db-host-1"));
            Assertions.assertThrows(TimeoutException.class, () -> second.get(1500, TimeUnit.MILLISECONDS),
                    "the second engine on db-host-1 waits");
            EngineGate.Pass elsewhere = slots.take("db3", "db-host-2", 1);
            assertEquals(2, slotRows(catalog), "db1 on host 1 and db3 on host 2");
            first.close();
            EngineGate.Pass taken = second.get(5, TimeUnit.SECONDS);
            assertEquals(2, slotRows(catalog));
            taken.close();
            elsewhere.close();
            assertEquals(0, slotRows(catalog));
        }
    }

    @Test
    void limitsTotalHoldsASecondEngineOnThisNodeWhateverItsHost() throws Exception {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null);
             EngineSlots slots = new EngineSlots(catalog, new Limits(5, 1, null), Clock.systemUTC())) {
            EngineGate.Pass first = slots.take("db1", "db-host-1", 5);
            CompletableFuture<EngineGate.Pass> second = CompletableFuture.supplyAsync(() -> take(slots, "db2",
                    "db-host-2"));
            Assertions.assertThrows(TimeoutException.class, () -> second.get(1500, TimeUnit.MILLISECONDS),
                    "limits.total 1: the second engine waits though its host is free");
            first.close();
            second.get(5, TimeUnit.SECONDS).close();
            assertEquals(0, slotRows(catalog));
        }
    }

    @Test
    void anEngineOverSshRunsOnTheSshHostNotOnTheSqlAddress() {
        var ssh = new org.backupscheduler.config.SshConfig("DB5.example.net", 22, "backup", Path.of("/k"), Path.of("/h"));
        var source = new org.backupscheduler.config.SourceConfig("10.0.0.5", 3306, null, "backup", null, null, null,
                null, null, null, null, null, ssh);
        assertEquals("db5.example.net", EngineSlots.engineHost(source));
        assertEquals("10.0.0.5", EngineSlots.engineHost(new org.backupscheduler.config.SourceConfig("10.0.0.5", 3306,
                null, "backup", null, null, null, null, null, null, null, null, null)));
    }

    @Test
    void aLoopbackSourceOrASocketIsThisNodesHost() {
        String me = ProcessIdentity.hostName();
        assertEquals(me, EngineSlots.databaseHost(null));
        assertEquals(me, EngineSlots.databaseHost("127.0.0.1"));
        assertEquals(me, EngineSlots.databaseHost("localhost"));
        assertEquals("db1.example.net", EngineSlots.databaseHost("DB1.example.net"));
        assertFalse(EngineSlots.databaseHost("10.0.0.1").equals(me));
    }

    @Test
    void stoppingTheQueueEndsAWaitWithoutASlot() throws Exception {
        try (Catalog catalog = Catalog.open("jdbc:h2:file:" + dir.resolve("catalog"), null, null);
             EngineSlots slots = new EngineSlots(catalog, Limits.DEFAULT, Clock.systemUTC())) {
            EngineGate.Pass first = slots.take("db1", "h", 1);
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    slots.take("db2", "h", 1);
                    return null;
                } catch (InterruptedException e) {
                    return e;
                }
            });
            Thread.sleep(700);
            slots.stopQueue();
            Throwable stopped = waiting.get(5, TimeUnit.SECONDS);
            assertTrue(stopped instanceof InterruptedException && stopped.getMessage().contains("stopping"),
                    String.valueOf(stopped));
            assertEquals(1, slotRows(catalog));
            first.close();
        }
    }

    private static EngineGate.Pass take(EngineSlots slots, String instance, String host) {
        try {
            return slots.take(instance, host, 1);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long slotRows(Catalog catalog) throws Exception {
        try (Connection c = catalog.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM engine_slots")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
