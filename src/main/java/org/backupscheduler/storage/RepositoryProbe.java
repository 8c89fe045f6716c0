package org.backupscheduler.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * {@code backup repository check}: can this host use the store? In order, each step only when
 * the one before passed: reachable and our credentials accepted (a list), a probe object written,
 * read back whole and in part, its time against ours (clock skew), deleted; then free space where
 * the driver can tell. Results, not exceptions: each step is an {@link Item}.
 */
public final class RepositoryProbe {
    /** Probe objects live here: '_' cannot start an instance name, so no backup is ever under it. */
    public static final String PROBE_PREFIX = "_probe/";
    /** Beyond this the store's times (and S3's request signing, at 15 minutes) cannot be trusted. */
    public static final Duration MAX_SKEW = Duration.ofSeconds(60);
    private static final int PROBE_SIZE = 64 << 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** OK, or what it takes: a config fix (exit 2) or a store/host fix (exit 1). */
    public enum Outcome { OK, CONFIG, FAILED }

    public record Item(Outcome outcome, String title, String hint) {
        static Item ok(String title) {
            return new Item(Outcome.OK, title, null);
        }

        static Item of(IOException e, String doing) {
            if (e instanceof StorageAccessException a) {
                return new Item(a.kind() == StorageAccessException.Kind.CONFIG ? Outcome.CONFIG : Outcome.FAILED,
                        a.getMessage(), a.hint());
            }
            return new Item(Outcome.FAILED, doing + " failed: " + e.getMessage(),
                    "look at the store's own logs; run again with --debug for the stack trace");
        }
    }

    private final Storage storage;
    private final Clock clock;

    public RepositoryProbe(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    public List<Item> run() {
        List<Item> items = new ArrayList<>();
        try {
            storage.list(PROBE_PREFIX);
            items.add(Item.ok("reachable, credentials accepted (listed " + PROBE_PREFIX + ")"));
        } catch (IOException e) {
            items.add(Item.of(e, "listing " + PROBE_PREFIX));
            return items;
        }
        byte[] probe = new byte[PROBE_SIZE];
        RANDOM.nextBytes(probe);
        String key = PROBE_PREFIX + "probe-" + HexFormat.of().formatHex(Arrays.copyOf(probe, 8));
        String step = "writing probe object " + key;
        try {
            Instant before = clock.instant();
            storage.put(key, new ByteArrayInputStream(probe));
            Instant after = clock.instant();
            step = "reading probe object " + key + " back";
            byte[] whole;
            try (InputStream in = storage.get(key)) {
                whole = in.readAllBytes();
            }
            byte[] part;
            try (InputStream in = storage.get(key, new ByteRange(1000, 500))) {
                part = in.readAllBytes();
            }
            if (!Arrays.equals(whole, probe) || !Arrays.equals(part, Arrays.copyOfRange(probe, 1000, 1500))) {
                items.add(new Item(Outcome.FAILED, "probe object " + key + " read back differs from what was written",
                        "the store corrupts data: do not keep backups there"));
                return items;
            }
            items.add(Item.ok("probe object written (" + PROBE_SIZE / 1024 + " KiB), read back equal, whole and a range"));
            step = "looking up probe object " + key;
            Instant stored = storage.stat(key).orElseThrow(() -> new IOException("written, but stat finds no " + key))
                    .lastModified();
            items.add(skew(stored, before, after));
            step = "deleting probe object " + key;
            storage.delete(key);
            if (storage.exists(key)) {
                items.add(new Item(Outcome.FAILED, "probe object " + key + " is still there after its delete",
                        "grant delete on the store: retention cannot remove old backups without it"));
                return items;
            }
            items.add(Item.ok("probe object deleted"));
        } catch (IOException e) {
            items.add(Item.of(e, step));
            try {
                storage.delete(key);
            } catch (IOException ignored) {
                // the store is failing already; the item above says so
            }
            return items;
        }
        items.add(freeSpace());
        return items;
    }

    /**
     * The store's time of the probe against ours: it wrote the object between {@code before} and
     * {@code after} by our clock. Stores keep whole seconds (S3), so one second is no skew.
     */
    private static Item skew(Instant stored, Instant before, Instant after) {
        Duration ahead = Duration.ZERO;
        if (stored.isAfter(after)) {
            ahead = Duration.between(after, stored);
        } else if (stored.isBefore(before.minusSeconds(1))) {
            ahead = Duration.between(before.minusSeconds(1), stored);
        }
        String text = String.format(Locale.ROOT, "%+.1f s", ahead.toMillis() / 1000.0);
        if (ahead.abs().compareTo(MAX_SKEW) > 0) {
            return new Item(Outcome.FAILED, "clock skew against the store: " + text + " (more than "
                    + MAX_SKEW.toSeconds() + " s)", "set this host's clock right (NTP); backup times and S3's "
                    + "request signatures depend on it");
        }
        return Item.ok("clock skew against the store: " + text);
    }

    private Item freeSpace() {
        try {
            OptionalLong free = storage.freeSpace();
            return Item.ok(free.isPresent() ? "free space: " + gib(free.getAsLong())
                    : "free space: not reported by this kind of store");
        } catch (IOException e) {
            return Item.ok("free space: unknown (" + e.getMessage() + ")");
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
