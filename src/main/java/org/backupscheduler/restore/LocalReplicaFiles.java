package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.backupscheduler.catalog.ProcessIdentity;

/** The replica's datadir on this host: java.nio and /proc read directly. */
final class LocalReplicaFiles implements ReplicaFiles {
    @Override
    public boolean exists(Path p) {
        return Files.exists(p);
    }

    @Override
    public boolean isDirectory(Path p) {
        return Files.isDirectory(p);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Override
    public Map<String, Path> topFiles(Path dir) throws IOException {
        Map<String, Path> files = new HashMap<>();
        for (Path f : list(dir)) {
            if (Files.isRegularFile(f)) {
                try {
                    files.put(ReplicaFiles.lockId((Long) Files.getAttribute(f, "unix:dev"),
                            (Long) Files.getAttribute(f, "unix:ino")), f);
                } catch (NoSuchFileException e) {
                    // Removed while listed: it holds no lock.
                }
            }
        }
        return files;
    }

    @Override
    public List<String> locks() throws IOException {
        return Files.readAllLines(Path.of("/proc/locks"));
    }

    @Override
    public Optional<PidFile> pidFile(Path file) throws IOException {
        try {
            return Optional.of(new PidFile(Long.parseLong(Files.readString(file).strip()),
                    Files.getLastModifiedTime(file).toInstant()));
        } catch (NoSuchFileException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Proc> process(long pid) {
        if (!ProcessIdentity.isRunning(pid)) {
            return Optional.empty();
        }
        String command;
        try {
            command = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            command = "?";
        }
        return Optional.of(new Proc(command, ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())));
    }

    @Override
    public boolean isMountPoint(Path dir) throws IOException {
        return MountPoint.is(dir);
    }

    @Override
    public long usableSpace(Path dir) throws IOException {
        Path q = dir.toAbsolutePath();
        while (q.getParent() != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return Files.getFileStore(q).getUsableSpace();
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void chown(Path root, String user) throws IOException {
        UserPrincipal owner = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.forEach(all::add);
        }
        for (Path p : all) {
            Files.setOwner(p, owner);
        }
    }

    @Override
    public String commandLine(String shellLine) {
        return shellLine;
    }
}
