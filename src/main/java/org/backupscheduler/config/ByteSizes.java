package org.backupscheduler.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the config's sizes: a whole number and an IEC unit, such as 64MiB, 512KiB, 1GiB (B or none: bytes). */
public final class ByteSizes {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

    private ByteSizes() {
    }

    /** Returns the bytes, or throws IllegalArgumentException saying what form is expected. */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a number with a unit (B, KiB, MiB, GiB), such as 64MiB");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("too large");
        }
        return n << shift;
    }
}
