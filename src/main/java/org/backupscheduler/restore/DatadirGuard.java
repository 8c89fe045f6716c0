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
record DatadirGuard(String replicaName, Path datadir, List<Path> pidFiles, ReplicaFiles files) {

    /** A datadir on this host. */
    DatadirGuard(String replicaName, Path datadir, List<Path> pidFiles) {
        this(replicaName, datadir, pidFiles, ReplicaFiles.LOCAL);
    }

    /**
     * The guard of {@code datadir} on the host {@code files} reach: its pid files are the one the
     * running server names ({@code @@pid_file}, when {@code answering} is not null), the one its
     * defaults-file names, and any {@code *.pid} at the datadir's top (MariaDB's default,
     * {@code <hostname>.pid}).
     */
    static DatadirGuard of(String replicaName, Path datadir, Path defaultsFile, Endpoint answering,
                           ReplicaFiles files) {
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
        return new DatadirGuard(replicaName, datadir, List.copyOf(pidFiles), files);
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
        files.rename(datadir, target);
    }

    private List<Path> allPidFiles() throws IOException {
        List<Path> all = new ArrayList<>(pidFiles);
        for (Path f : files.list(datadir)) {
            if (f.getFileName().toString().endsWith(".pid") && !all.contains(f)) {
                all.add(f);
            }
        }
        return all;
    }

    private Optional<String> livePid(Path pidFile) throws IOException {
        Optional<ReplicaFiles.PidFile> named = files.pidFile(pidFile);
        if (named.isEmpty()) {
            return Optional.empty();
        }
        long pid = named.get().pid();
        Optional<ReplicaFiles.Proc> proc = files.process(pid);
        if (proc.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> started = proc.get().started();
        if (started.isPresent() && started.get().isAfter(named.get().written().plusSeconds(1))) {
            return Optional.empty();
        }
        return Optional.of("pid " + pid + " (" + proc.get().command() + ") named in " + pidFile + " is running");
    }

    /** The first lock in /proc/locks on a file at the top of the datadir, as "pid N (cmd) holds a lock on FILE". */
    private Optional<String> lockHolder() throws IOException {
        Map<String, Path> top = files.topFiles(datadir);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        for (String line : files.locks()) {
            Lock lock = Lock.parse(line);
            Path file = lock == null ? null : top.get(lock.deviceAndInode());
            if (file != null) {
                return Optional.of((lock.pid() > 0 ? "pid " + lock.pid() + " (" + files.process(lock.pid())
                        .map(ReplicaFiles.Proc::command).orElse("?") + ")" : "a process") + " holds a lock on "
                        + file.getFileName());
            }
        }
        return Optional.empty();
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
}
