package org.backupscheduler.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * Tries one store request again after a transient failure, waiting twice as long each time
 * (xbcloud's way: a failed chunk is retried alone). A refused credential or a missing object is
 * not transient and fails at once.
 */
public record Retries(int attempts, Duration firstWait) {
    public static final Retries DEFAULT = new Retries(5, Duration.ofSeconds(1));
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    public Retries {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be 1 or more");
        }
    }

    interface Request<T> {
        T run() throws IOException;
    }

    <T> T run(Request<T> request) throws IOException {
        Duration wait = firstWait;
        for (int attempt = 1; ; attempt++) {
            try {
                return request.run();
            } catch (IOException e) {
                if (attempt >= attempts || !isTransient(e)) {
                    throw e;
                }
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to retry");
            }
            wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
        }
    }

    static boolean isTransient(IOException e) {
        if (e instanceof NoSuchFileException || e instanceof ChunkCorruptException
                || e instanceof InterruptedIOException) {
            return false;
        }
        return !(e instanceof StorageAccessException a) || a.kind() == StorageAccessException.Kind.UNREACHABLE;
    }
}
