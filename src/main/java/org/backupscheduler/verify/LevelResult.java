package org.backupscheduler.verify;

import java.time.Duration;

/** One level's outcome: {@code finding} says what is wrong (null when it passed). */
public record LevelResult(Level level, boolean ok, String finding, Duration duration) {

    static LevelResult pass(Level level, Duration took) {
        return new LevelResult(level, true, null, took);
    }

    static LevelResult fail(Level level, String finding, Duration took) {
        return new LevelResult(level, false, finding, took);
    }
}
