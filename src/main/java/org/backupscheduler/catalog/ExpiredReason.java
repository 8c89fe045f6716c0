package org.backupscheduler.catalog;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reason of an EXPIRED row: the status and reason the backup had, and why retention took
 * it ("was INVALID: checksum verification failed: ...; expired 2026-11-24T11:00:00Z: outside
 * retention"). Written by retention, read back by the report, which must still say that an
 * expired backup had been INVALID — and say it once, from the parts, never by wrapping the
 * whole text in another "is INVALID: ...".
 */
public record ExpiredReason(BackupStatus was, String reason, String expiry) {
    private static final Pattern TEXT = Pattern.compile("^was ([A-Z]+)(?:: (.*))?; expired (.*)$", Pattern.DOTALL);

    /** The text stored in the row's reason. */
    public String text() {
        return "was " + was + (reason == null ? "" : ": " + reason) + "; expired " + expiry;
    }

    /** The parts of an expired row's reason; empty for any other text. */
    public static Optional<ExpiredReason> parse(String text) {
        // Greedy: the expiry is what follows the last "; expired ", as a reason may hold a ';'.
        Matcher m = text == null ? null : TEXT.matcher(text);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ExpiredReason(BackupStatus.valueOf(m.group(1)), m.group(2), m.group(3)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
