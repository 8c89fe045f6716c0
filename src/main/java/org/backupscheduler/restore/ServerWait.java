package org.backupscheduler.restore;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.backupscheduler.server.Endpoint;

/** Waits, bounded, for a server to stop (and let go of its datadir) or to answer. */
final class ServerWait {
    /** How often a stopping server is looked at: a stop is seen within 50 ms of happening. */
    private static final Duration STOP_POLL = Duration.ofMillis(50);
    /** How often a starting server is asked: it is seen answering within 50 ms (a probe is one connect). */
    private static final Duration START_POLL = Duration.ofMillis(50);

    private ServerWait() {
    }

    /**
     * Waits until the server is gone: nothing listens on its address and nothing uses its
     * datadir. Returns empty once proven, else what still runs when {@code timeout} ran out, in
     * words ("still answers", "still runs (Access denied ...)", or what holds the datadir).
     */
    static Optional<String> untilStopped(Endpoint e, DatadirGuard datadir, Duration timeout)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            ServerProbe probe = ServerProbe.of(e);
            Optional<String> still;
            if (probe.is(ServerProbe.State.UP)) {
                still = Optional.of("still answers");
            } else if (probe.is(ServerProbe.State.UNREACHABLE)) {
                still = Optional.of("still runs (" + probe.error() + ")");
            } else {
                still = datadir.user().map(u -> "no longer answers, but its datadir " + datadir.datadir()
                        + " is still in use (" + u + ")");
            }
            if (still.isEmpty() || !Instant.now().isBefore(deadline)) {
                return still;
            }
            Thread.sleep(STOP_POLL.toMillis());
        }
    }

    /** Waits until the server answers; returns the last probe (UP, or why not). */
    static ServerProbe untilUp(Endpoint e, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            ServerProbe probe = ServerProbe.of(e);
            if (probe.is(ServerProbe.State.UP) || !Instant.now().isBefore(deadline)) {
                return probe;
            }
            Thread.sleep(START_POLL.toMillis());
        }
    }
}
