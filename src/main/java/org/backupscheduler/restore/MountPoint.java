package org.backupscheduler.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a folder is a mount point: then a rename cannot move it aside (EBUSY), nor anything
 * across it (EXDEV). Read from /proc/self/mountinfo, which also lists bind mounts of the same
 * device; a comparison of file stores (device numbers) would miss those.
 */
final class MountPoint {
    private MountPoint() {
    }

    static boolean is(Path dir) throws IOException {
        Path real = dir.toRealPath();
        Path mountinfo = Path.of("/proc/self/mountinfo");
        if (!Files.isReadable(mountinfo)) {
            return !Files.getFileStore(real).equals(Files.getFileStore(real.getParent()));
        }
        List<String> lines = Files.readAllLines(mountinfo);
        for (String line : lines) {
            // "36 35 98:0 /mnt1 /mnt/parent rw,... - ext3 /dev/root rw": the 5th field is the mount point.
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).equals(real.toString())) {
                return true;
            }
        }
        return false;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes (\040 ...). */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
