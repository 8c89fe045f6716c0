package org.backupscheduler;

import java.util.Locale;

/**
 * Byte counts for people, in binary (IEC) units with one decimal: "36.8 MiB", "1.2 GiB". The one
 * formatter of the product, beside {@link UserError} at the root so that every package (the CLI,
 * the report, the backup workflow's messages) says the same number for the same backup.
 */
public final class Bytes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Bytes() {
    }

    /** "512 B", "1.0 KiB", "36.8 MiB"; "-" for an unknown size (null). */
    public static String human(Long bytes) {
        if (bytes == null) {
            return "-";
        }
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
