package org.backupscheduler.catalog;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A process on a host, by pid and start time: the start time tells a live owner from a new
 * process that happens to reuse its pid.
 */
public record ProcessIdentity(String host, long pid, long startedAtMillis) {

    public static ProcessIdentity current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessIdentity(hostName(), self.pid(), startOf(self));
    }

    /** True when this process is on this host and no longer running (a zombie is not running). */
    public boolean isGoneFromThisHost() {
        if (!host.equals(hostName())) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isEmpty() || !isRunning(pid) || startOf(handle.get()) != startedAtMillis;
    }

    /**
     * Whether {@code pid} is a live process. A zombie ({@code <defunct>}: ended, not yet reaped
     * by its parent — the container's PID 1 is slow to) counts as gone, though
     * {@link ProcessHandle#isAlive()} still says true for it: its state in /proc/PID/stat is Z.
     */
    public static boolean isRunning(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String line = Files.readString(stat);
            // "pid (comm) S ...": comm may hold spaces and parentheses; the state follows the last ')'.
            int close = line.lastIndexOf(')');
            char state = close >= 0 && close + 2 < line.length() ? line.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X' && state != 'x';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private static long startOf(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
