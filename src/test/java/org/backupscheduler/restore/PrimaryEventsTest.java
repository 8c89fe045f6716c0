package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.List;

import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.server.Endpoint;
import org.junit.jupiter.api.Test;

/** The argv that reads the primary's events: the password only in a 0600 option file, the range exact. */
class PrimaryEventsTest {
    private static final String PASSWORD = "pw-never-in-argv";
    private static final Endpoint PRIMARY = new Endpoint("db1.example.net", 3306, null, "repl", PASSWORD);

    @Test
    void fromTheBackupsPositionToATime() throws Exception {
        try (PrimaryEvents events = new PrimaryEvents(PRIMARY, "replicas.r1.primary")) {
            List<String> argv = events.events(new Coordinates("mysql-bin.000042", 364075L, "0-1-98000"),
                    new RecoveryTarget(LocalDateTime.of(2026, 11, 24, 14, 2, 59), null));

            assertEquals("mariadb-binlog", argv.get(0));
            assertTrue(argv.get(1).startsWith("--defaults-extra-file="), argv.toString());
            assertEquals(List.of("--read-from-remote-server", "--to-last-log", "--start-position=364075",
                    "--stop-datetime=2026-11-24 14:02:59", "mysql-bin.000042"), argv.subList(2, argv.size()));
            assertFalse(String.join(" ", argv).contains(PASSWORD), argv.toString());
            Path cnf = Path.of(argv.get(1).substring("--defaults-extra-file=".length()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cnf)));
            assertTrue(Files.readString(cnf).contains(PASSWORD));
            events.close();
            assertFalse(Files.exists(cnf), "the option file is removed on close");
        }
    }

    @Test
    void aGtidTargetStartsFromTheBackupsGtidTheToolRefusesToMixKinds() throws Exception {
        try (PrimaryEvents events = new PrimaryEvents(PRIMARY, "replicas.r1.primary")) {
            List<String> argv = events.events(new Coordinates("mysql-bin.000042", 364075L, "0-1-98000"),
                    new RecoveryTarget(null, "0-1-98764"));

            assertEquals(List.of("--read-from-remote-server", "--to-last-log", "--start-position=0-1-98000",
                    "--stop-position=0-1-98764", "mysql-bin.000042"), argv.subList(2, argv.size()));
        }
    }
}
