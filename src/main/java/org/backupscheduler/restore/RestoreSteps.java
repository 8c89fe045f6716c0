package org.backupscheduler.restore;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.backupscheduler.catalog.Restores;

/**
 * The steps of one restore, each printed and recorded in restore_steps with its duration;
 * remembers which one runs, for the error message. The replica restore's and the side restore's.
 */
final class RestoreSteps {
    private final Restores restores;
    private final String instance;
    private final String id;
    private final PrintWriter out;
    private final Clock clock;
    private int seq;
    private String current = "plan";

    RestoreSteps(Restores restores, String instance, String id, PrintWriter out, Clock clock) {
        this.restores = restores;
        this.instance = instance;
        this.id = id;
        this.out = out;
        this.clock = clock;
    }

    String current() {
        return current;
    }

    <T> T run(String step, Action<T> action) throws IOException, SQLException, InterruptedException {
        current = step;
        Instant start = clock.instant();
        out.println("  " + step + "...");
        out.flush();
        try {
            T result = action.run();
            Duration took = Duration.between(start, clock.instant());
            restores.step(instance, id, ++seq, step, start, took, true, String.valueOf(result));
            out.println(String.format("  %s: %s (%.1fs)", step, result, took.toMillis() / 1000.0));
            return result;
        } catch (IOException | SQLException | InterruptedException | RuntimeException e) {
            restores.step(instance, id, ++seq, step, start, Duration.between(start, clock.instant()), false,
                    e.getMessage());
            throw e;
        }
    }

    interface Action<T> {
        T run() throws IOException, SQLException, InterruptedException;
    }
}
