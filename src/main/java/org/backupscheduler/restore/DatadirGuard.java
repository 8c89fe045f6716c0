package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.backupscheduler.UserError;
import org.backupscheduler.catalog.ProcessIdentity;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * The one way a restore moves a datadir: only once it is proven that no server uses it. Whether
 * the server answers on its configured address proves nothing (a wrong port, skip-networking,
 * an account that cannot log in); its files do. A datadir is in use while
 * <ul>
 * <li>a process named in one of its pid files lives (a zombie does not; a process that started
 * after the pid file was written only reuses the pid), or</li>
 * <li>any process holds a lock on a file at its top: mariadbd locks the InnoDB system tablespace
 * (ibdata1) and aria_log_control for as long as it runs. Read from /proc/locks by device and
 * inode, which sees every process on the host, not only this JVM's locks.</li>
 * </ul>
 */
record DatadirGuard(String replicaName, Path datadir, List<Path> pidFiles) {

    /**
     * The guard of {@code datadir}: its pid files are the one the running server names
     * ({@code @@pid_file}, when {@code answering} is not null), the one its defaults-file names,
     * and any {@code *.pid} at the datadir's top (MariaDB's default, {@code <hostname>.pid}).
     */
    static DatadirGuard of(String replicaName, Path datadir, Path defaultsFile, Endpoint answering) {
        Set<Path> pidFiles = new LinkedHashSet<>();
        if (answering != null) {
            try (Connection c = ServerConnections.open(answering); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT @@pid_file")) {
                if (rs.next() && rs.getString(1) != null) {
                    pidFiles.add(datadir.resolve(rs.getString(1)));
                }
            } catch (SQLException e) {
                // The locks and the datadir's own pid files still tell.
            }
        }
        if (defaultsFile != null) {
            DatadirResolver.serverOption(defaultsFile, "pid-file").ifPresent(p -> pidFiles.add(datadir.resolve(p)));
        }
        return new DatadirGuard(replicaName, datadir, List.copyOf(pidFiles));
    }

    /** What uses the datadir now, in words ("pid 41 (mariadbd) holds a lock on ibdata1"); empty when nothing does. */
    Optional<String> user() throws IOException {
        for (Path pidFile : allPidFiles()) {
            Optional<String> live = livePid(pidFile);
            if (live.isPresent()) {
                return live;
            }
        }
        return lockHolder();
    }

    /**
     * Renames the datadir to {@code target} — after proving, right before, that nothing uses it.
     * Throws a {@link UserError} naming what does, and moves nothing.
     */
    void moveAside(Path target) throws IOException {
        Optional<String> user = user();
        if (user.isPresent()) {
            throw new UserError("the datadir " + datadir + " of replica " + replicaName + " is in use: " + user.get()
                    + "; it was not moved", "stop the server that uses it (replicas." + replicaName
                    + ".stop-command must stop it), then run the restore again", UserError.USAGE);
        }
        Files.move(datadir, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private List<Path> allPidFiles() throws IOException {
        List<Path> all = new ArrayList<>(pidFiles);
        if (Files.isDirectory(datadir)) {
            try (var files = Files.list(datadir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".pid") && !all.contains(f)).forEach(all::add);
            }
        }
        return all;
    }

    private static Optional<String> livePid(Path pidFile) throws IOException {
        long pid;
        Instant written;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
            written = Files.getLastModifiedTime(pidFile).toInstant();
        } catch (NoSuchFileException | NumberFormatException e) {
            return Optional.empty();
        }
        if (!ProcessIdentity.isRunning(pid)) {
            return Optional.empty();
        }
        Optional<Instant> started = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
        if (started.isPresent() && started.get().isAfter(written.plusSeconds(1))) {
            return Optional.empty();
        }
        return Optional.of("pid " + pid + " (" + command(pid) + ") named in " + pidFile + " is running");
    }

    /** The first lock in /proc/locks on a file at the top of the datadir, as "pid N (cmd) holds a lock on FILE". */
    private Optional<String> lockHolder() throws IOException {
        Map<String, Path> files = new HashMap<>();
        if (!Files.isDirectory(datadir)) {
            return Optional.empty();
        }
        try (var list = Files.list(datadir)) {
            for (Path f : (Iterable<Path>) list.filter(Files::isRegularFile)::iterator) {
                try {
                    files.put(deviceAndInode(f), f);
                } catch (NoSuchFileException e) {
                    // Removed while listed: it holds no lock.
                }
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            Lock lock = Lock.parse(line);
            Path file = lock == null ? null : files.get(lock.deviceAndInode());
            if (file != null) {
                return Optional.of((lock.pid() > 0 ? "pid " + lock.pid() + " (" + command(lock.pid()) + ")"
                        : "a process") + " holds a lock on " + file.getFileName());
            }
        }
        return Optional.empty();
    }

    /** "MAJOR:MINOR:INODE" as /proc/locks writes it (major and minor in hex). */
    static String deviceAndInode(Path f) throws IOException {
        long dev = (Long) Files.getAttribute(f, "unix:dev");
        long ino = (Long) Files.getAttribute(f, "unix:ino");
        // glibc's gnu_dev_major / gnu_dev_minor.
        long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xffL) | ((dev >>> 12) & ~0xffL);
        return Long.toHexString(major) + ":" + Long.toHexString(minor) + ":" + ino;
    }

    /** One line of /proc/locks: "1: POSIX  ADVISORY  WRITE 13122 fe:00:2146970 0 EOF" (waiters add "->"). */
    record Lock(long pid, String deviceAndInode) {
        static Lock parse(String line) {
            List<String> words = new ArrayList<>(List.of(line.trim().split("\\s+")));
            words.remove("->");
            if (words.size() < 6) {
                return null;
            }
            String[] id = words.get(5).split(":");
            if (id.length != 3) {
                return null;
            }
            try {
                // Normalized like deviceAndInode: hex without leading zeros.
                return new Lock(Long.parseLong(words.get(4)), Long.toHexString(Long.parseLong(id[0], 16)) + ":"
                        + Long.toHexString(Long.parseLong(id[1], 16)) + ":" + Long.parseLong(id[2]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
