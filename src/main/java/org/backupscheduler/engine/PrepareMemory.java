package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How much memory a restore's prepare gives the engine ({@code --use-memory}, the buffer pool its
 * crash recovery runs in): half of what the kernel says is available without swapping
 * ({@code MemAvailable} in {@code /proc/meminfo}), never below the engine's own default (100 MiB)
 * and never above {@link #CAP}, nor above the data prepared (a pool bigger than every page there
 * is only set up for nothing). A bigger pool lets the redo log apply in fewer passes; half leaves
 * room for the replica, which keeps running during the prepare, and for the page cache.
 */
public final class PrepareMemory {
    static final long MIB = 1024L * 1024;
    /** The engine's default --use-memory: never less. */
    public static final long FLOOR = 100 * MIB;
    /** Beyond a few GiB the redo apply of a prepare gains nothing worth the memory. */
    public static final long CAP = 8L * 1024 * MIB;

    private PrepareMemory() {
    }

    /** Half of {@code availableBytes}, bounded by {@link #FLOOR} and {@link #CAP}, in whole MiB. */
    public static long forAvailable(long availableBytes) {
        return forAvailable(availableBytes, 0);
    }

    /**
     * As {@link #forAvailable(long)}, and no more than {@code dataBytes} (rounded up to a MiB) when
     * known (&gt; 0): still never below {@link #FLOOR}.
     */
    public static long forAvailable(long availableBytes, long dataBytes) {
        long size = Math.min(CAP, Math.max(0, availableBytes) / 2);
        if (dataBytes > 0) {
            size = Math.min(size, (dataBytes + MIB - 1) / MIB * MIB);
        }
        return Math.max(FLOOR, size) / MIB * MIB;
    }

    /** The {@code MemAvailable:} line of a {@code /proc/meminfo} text, in bytes; empty when it has none. */
    public static OptionalLong memAvailable(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemAvailable:")) {
                String[] words = line.substring("MemAvailable:".length()).trim().split("\\s+");
                try {
                    long value = Long.parseLong(words[0]);
                    return OptionalLong.of(words.length > 1 && words[1].equalsIgnoreCase("kB") ? value * 1024 : value);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The size for this host now, for {@code dataBytes} of data (0: unknown); the floor when
     * {@code /proc/meminfo} cannot be read (not Linux).
     */
    public static long here(long dataBytes) {
        try {
            return forAvailable(memAvailable(Files.readString(Path.of("/proc/meminfo"))).orElse(0), dataBytes);
        } catch (IOException | RuntimeException e) {
            return FLOOR;
        }
    }
}
