package org.backupscheduler.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.backupscheduler.UserError;

/** The Debian packages the demo's servers come from, and which of them this host lacks. */
public final class Prerequisites {
    /** A binary to look for, and the package that brings it. */
    private static final Map<List<String>, String> NEEDED = new LinkedHashMap<>();

    static {
        NEEDED.put(List.of("mariadbd", "mariadb-install-db"), "mariadb-server");
        NEEDED.put(List.of("mariadb"), "mariadb-client");
        NEEDED.put(List.of("mariadb-backup|mariabackup"), "mariadb-backup");
    }

    private Prerequisites() {
    }

    /** Throws, with the exact install command, when a package is missing. */
    public static void check() {
        List<String> missing = new ArrayList<>();
        NEEDED.forEach((binaries, pkg) -> {
            boolean all = binaries.stream().allMatch(alternatives -> List.of(alternatives.split("\\|")).stream()
                    .anyMatch(Prerequisites::onPath));
            if (!all) {
                missing.add(pkg);
            }
        });
        if (!missing.isEmpty()) {
            throw new UserError("the demo needs the Debian packages " + String.join(" ", missing),
                    "as root: apt-get update && apt-get install -y " + String.join(" ", missing)
                            + " (bin/backup demo does this itself when run as root)", UserError.FAILED);
        }
    }

    static boolean onPath(String binary) {
        String path = System.getenv("PATH") + File.pathSeparator + "/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
