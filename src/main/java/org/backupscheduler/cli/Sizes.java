package org.backupscheduler.cli;

/** Byte counts for people: 1.2 GB, 340 MB. */
final class Sizes {
    private Sizes() {
    }

    static String human(Long bytes) {
        if (bytes == null) {
            return "-";
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
