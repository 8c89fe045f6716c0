package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import org.backupscheduler.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What counts as "in use" for a datadir, on real processes and real kernel locks; a real
 * mariadbd holding its datadir is in RestoreIT.
 */
class DatadirGuardTest {
    @TempDir
    Path dir;

    private Path datadir() throws Exception {
        Path d = Files.createDirectories(dir.resolve("data"));
        Files.writeString(d.resolve("ibdata1"), "x");
        Files.writeString(d.resolve("aria_log_control"), "x");
        return d;
    }

    @Test
    void aDatadirNobodyUsesIsMoved() throws Exception {
        Path d = datadir();
        DatadirGuard guard = new DatadirGuard("r1", d, List.of());
        assertEquals(Optional.empty(), guard.user());
        guard.moveAside(dir.resolve("aside"));
        assertTrue(Files.exists(dir.resolve("aside/ibdata1")));
    }

    @Test
    void aLockOnTheSystemTablespaceHeldByAnyProcessMeansInUse() throws Exception {
        Path d = datadir();
        // A POSIX lock as mariadbd takes it; the kernel lists it in /proc/locks like any other.
        try (FileChannel ch = FileChannel.open(d.resolve("ibdata1"), StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            DatadirGuard guard = new DatadirGuard("r1", d, List.of());
            assertEquals(Optional.of("pid " + ProcessHandle.current().pid() + " (java) holds a lock on ibdata1"),
                    guard.user());
            UserError refused = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
                    () -> guard.moveAside(dir.resolve("aside")));
            assertEquals("the datadir " + d + " of replica r1 is in use: pid " + ProcessHandle.current().pid()
                    + " (java) holds a lock on ibdata1; it was not moved", refused.getMessage());
            assertTrue(Files.exists(d.resolve("ibdata1")), "not moved");
            assertFalse(Files.exists(dir.resolve("aside")));
        }
    }

    @Test
    void aLivePidFileMeansInUseADeadOrZombieOneDoesNot() throws Exception {
        Path d = datadir();
        Path pidFile = dir.resolve("mariadbd.pid");
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(pidFile, sleeper.pid() + "\n");
            DatadirGuard guard = new DatadirGuard("r1", d, List.of(pidFile));
            assertEquals(Optional.of("pid " + sleeper.pid() + " (sleep) named in " + pidFile + " is running"),
                    guard.user());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertEquals(Optional.empty(), new DatadirGuard("r1", d, List.of(pidFile)).user(), "its process is gone");

        // A zombie: the shell's child ends, and the shell (now sleep 60) never reaps it.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0.1 & echo $!; exec sleep 60").start();
        try {
            long zombie = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream())).readLine());
            Thread.sleep(500);
            assertTrue(ProcessHandle.of(zombie).map(ProcessHandle::isAlive).orElse(false), "the JDK still sees it");
            Files.writeString(d.resolve("host.pid"), zombie + "\n");
            assertEquals(Optional.empty(), new DatadirGuard("r1", d, List.of()).user(), "a zombie is not running");
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void aPidReusedByAProcessStartedAfterThePidFileIsNotTheServer() throws Exception {
        Path d = datadir();
        Path pidFile = d.resolve("host.pid");
        Process later = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(pidFile, later.pid() + "\n");
            Files.setLastModifiedTime(pidFile, java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() - 3_600_000));
            assertEquals(Optional.empty(), new DatadirGuard("r1", d, List.of()).user());
        } finally {
            later.destroyForcibly().waitFor();
        }
    }

    @Test
    void procLocksLinesAreReadWithTheirWaiters() {
        assertEquals(new DatadirGuard.Lock(13122, "fe:0:2146970"),
                DatadirGuard.Lock.parse("8: POSIX  ADVISORY  WRITE 13122 fe:00:2146970 0 EOF"));
        assertEquals(new DatadirGuard.Lock(77, "103:2:12"),
                DatadirGuard.Lock.parse("8: -> POSIX  ADVISORY  WRITE 77 103:02:12 0 EOF"));
        assertEquals(new DatadirGuard.Lock(-1, "fe:0:5"),
                DatadirGuard.Lock.parse("3: OFDLCK ADVISORY  READ -1 fe:00:5 0 EOF"));
    }
}
