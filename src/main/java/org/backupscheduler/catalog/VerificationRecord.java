package org.backupscheduler.catalog;

import java.time.Duration;
import java.time.Instant;

/** One level of one verification of a backup: passed or not, what was found, how long it took. */
public record VerificationRecord(String instance, String backupId, String level, Instant startedAt,
                                 Duration duration, boolean ok, String finding) {
}
