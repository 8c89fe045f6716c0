package org.backupscheduler.report;

/** Byte counts in binary units, one decimal. */
final class Bytes {
    private Bytes() {
    }

    static String human(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format("%.1f %s", v, units[u]);
    }
}
