package org.backupscheduler.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Reads every process's argv from /proc while something runs, as an attacker on the host could,
 * and keeps the command lines of those whose argv mentions one of the watched words. Made with
 * {@link #tracking}, it also keeps each process whose argv the caller's predicate matches, with
 * the chain of its parents as it was when first seen.
 */
public final class ArgvWatcher implements AutoCloseable {
    private final List<String> programs;
    private final Predicate<String> match;
    private final long pauseMillis;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    /** Those started by this JVM (its descendants): other test runs on the host do not count. */
    private final Set<String> ours = ConcurrentHashMap.newKeySet();
    private final Map<Long, String> matched = new ConcurrentHashMap<>();
    private final Map<Long, List<Long>> parents = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public ArgvWatcher(List<String> programs) {
        this(programs, argv -> false, 20);
    }

    private ArgvWatcher(List<String> programs, Predicate<String> match, long pauseMillis) {
        this.programs = programs;
        this.match = match;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::loop, "argv-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Watches every 10 ms for the words (as {@link #seen()}) and for the processes whose argv
     * ({@code \0} read as a space, the trailing one kept) {@code match} accepts: their argv in
     * {@link #matched()}, their parents in {@link #parents()}.
     */
    public static ArgvWatcher tracking(List<String> words, Predicate<String> match) {
        return new ArgvWatcher(words, match, 10);
    }

    private void loop() {
        while (running.get()) {
            try (var procs = Files.list(Path.of("/proc"))) {
                procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                    try {
                        String raw = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ');
                        String argv = raw.strip();
                        long pid = Long.parseLong(p.getFileName().toString());
                        if (programs.stream().anyMatch(argv::contains)) {
                            seen.add(argv);
                            if (descendsFromUs(pid)) {
                                ours.add(argv);
                            }
                        }
                        if (match.test(raw)) {
                            matched.putIfAbsent(pid, raw);
                            parents.computeIfAbsent(pid, ArgvWatcher::parentChain);
                        }
                    } catch (IOException e) {
                        // the process ended between list and read
                    }
                });
            } catch (IOException e) {
                return;
            }
            try {
                Thread.sleep(pauseMillis);
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

    /** Pid → argv of each process the predicate of {@link #tracking} matched. */
    public Map<Long, String> matched() {
        return Map.copyOf(matched);
    }

    /** Pid → its parent, grandparent, ... (from /proc/<pid>/stat) of each matched process, when first seen. */
    public Map<Long, List<Long>> parents() {
        return Map.copyOf(parents);
    }

    /** The ancestors of {@code pid}, nearest first, read from each one's /proc/<pid>/stat (its ppid). */
    private static List<Long> parentChain(long pid) {
        List<Long> chain = new ArrayList<>();
        for (long p = parentOf(pid); p > 0; p = parentOf(p)) {
            chain.add(p);
        }
        return chain;
    }

    /** The ppid of {@code pid}, 0 if it has none or is gone. */
    private static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ", 3)[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
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
