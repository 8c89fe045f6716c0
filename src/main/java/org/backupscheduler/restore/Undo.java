package org.backupscheduler.restore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.config.ReplicaConfig;

/**
 * What a restore has changed so far, and the exact commands that undo it: a failed restore's
 * HINT. The commands depend on where it stopped: the new datadir exists only once move-back
 * began, and the server may run on it only once the start step began.
 */
final class Undo {
    boolean stopped;
    Path aside;
    boolean startBegun;
    /** Where the datadir is: the commands are run there (wrapped in ssh for a remote replica). */
    ReplicaFiles files = ReplicaFiles.LOCAL;

    String asideText() {
        return aside == null ? null : aside.toString();
    }

    String hint(RestorePlan plan, String id) {
        ReplicaConfig r = plan.replica();
        String log = "; the log is in the repository (.restore-" + id + ".log)";
        if (aside == null) {
            return "nothing was moved" + (stopped ? "; the replica was stopped: start it again: "
                    + files.commandLine(shell(r.startCommand())) : "") + log;
        }
        Path datadir = plan.datadir();
        List<String> commands = new ArrayList<>();
        if (startBegun) {
            commands.add(shell(r.stopCommand()));
        }
        if (exists(datadir)) {
            commands.add(shell(List.of("mv", datadir.toString(), datadir + ".failed-restore-" + id)));
        }
        commands.add(shell(List.of("mv", aside.toString(), datadir.toString())));
        commands.add(shell(r.startCommand()));
        List<String> there = commands.stream().map(files::commandLine).toList();
        return "the old datadir is intact at " + aside + "; to put it back: " + String.join("; ", there) + log;
    }

    private boolean exists(Path p) {
        try {
            return files.exists(p);
        } catch (java.io.IOException e) {
            return true; // unknown: the hint moves it aside too, which does no harm when it is not there
        }
    }

    /** {@code argv} as one shell line: arguments with anything but safe characters single-quoted. */
    static String shell(List<String> argv) {
        List<String> words = new ArrayList<>();
        for (String a : argv) {
            words.add(!a.isEmpty() && a.matches("[A-Za-z0-9_./=:,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }
}
