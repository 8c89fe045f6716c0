package org.backupscheduler.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with faults injected in front of it: the next N puts of a key fail (as a store
 * that drops a connection does), or every one does, and puts may be slowed down.
 */
final class FaultyStorage implements Storage {
    private final Storage real;
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> putAttempts = new ConcurrentHashMap<>();
    private volatile long putDelayMillis;
    private volatile boolean refuseCredentials;

    FaultyStorage(Storage real) {
        this.real = real;
    }

    void failNextPuts(String key, int times) {
        failuresLeft.put(key, new AtomicInteger(times));
    }

    /** Every put is refused as a store refuses a wrong secret. */
    void refuseCredentials() {
        refuseCredentials = true;
    }

    void slowPuts(long millis) {
        putDelayMillis = millis;
    }

    int putAttempts(String key) {
        return putAttempts.getOrDefault(key, new AtomicInteger()).get();
    }

    @Override
    public long put(String key, InputStream content) throws IOException {
        putAttempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (refuseCredentials) {
            throw new StorageAccessException(StorageAccessException.Kind.CONFIG, "refused our signature",
                    "fix the secret", null);
        }
        AtomicInteger left = failuresLeft.get(key);
        if (left != null && left.getAndDecrement() > 0) {
            throw new IOException("injected failure putting " + key);
        }
        if (putDelayMillis > 0) {
            try {
                Thread.sleep(putDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }
        return real.put(key, content);
    }

    @Override
    public long put(String key, byte[] content, int length) throws IOException {
        return put(key, new java.io.ByteArrayInputStream(content, 0, length));
    }

    @Override
    public InputStream get(String key, ByteRange range) throws IOException {
        return real.get(key, range);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return real.list(prefix);
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        return real.stat(key);
    }

    @Override
    public void delete(String key) throws IOException {
        real.delete(key);
    }

    @Override
    public OptionalLong freeSpace() throws IOException {
        return real.freeSpace();
    }

    @Override
    public String describe() {
        return real.describe() + " (with injected faults)";
    }
}
