package org.backupscheduler.catalog;

import java.net.InetAddress;
import java.net.UnknownHostException;
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

    /** True when this process is on this host and no longer running. */
    public boolean isGoneFromThisHost() {
        if (!host.equals(hostName())) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isEmpty() || !handle.get().isAlive() || startOf(handle.get()) != startedAtMillis;
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
