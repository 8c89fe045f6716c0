package org.backupscheduler.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads every process's argv from /proc while something runs, as an attacker on the host could,
 * and keeps the command lines of those whose argv mentions one of the watched words.
 */
public final class ArgvWatcher implements AutoCloseable {
    private final List<String> programs;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    /** Those started by this JVM (its descendants): other test runs on the host do not count. */
    private final Set<String> ours = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public ArgvWatcher(List<String> programs) {
        this.programs = programs;
        this.thread = new Thread(this::loop, "argv-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running.get()) {
            try (var procs = Files.list(Path.of("/proc"))) {
                procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                    try {
                        String argv = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ').strip();
                        if (programs.stream().anyMatch(argv::contains)) {
                            seen.add(argv);
                            if (descendsFromUs(Long.parseLong(p.getFileName().toString()))) {
                                ours.add(argv);
                            }
                        }
                    } catch (IOException e) {
                        // the process ended between list and read
                    }
                });
            } catch (IOException e) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every matching argv of any process on the host: what the secret scan must check. */
    public Set<String> seen() {
        return Set.copyOf(seen);
    }

    /** The matching argvs of processes this JVM started. */
    public Set<String> ours() {
        return Set.copyOf(ours);
    }

    private static boolean descendsFromUs(long pid) {
        long me = ProcessHandle.current().pid();
        var p = ProcessHandle.of(pid);
        while (p.isPresent()) {
            if (p.get().pid() == me) {
                return true;
            }
            p = p.get().parent();
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
