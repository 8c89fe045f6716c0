package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.config.ReplicaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The put-back commands (the HINT) a failed restore prints, for each state it can fail in. */
class UndoTest {
    @TempDir
    Path dir;

    private RestorePlan plan() {
        ReplicaConfig r = new ReplicaConfig("10.0.0.2", 3306, null, "admin", null, null, null, null,
                List.of("systemctl", "stop", "mariadb"), List.of("sh", "-c", "systemctl start mariadb && echo it's up"),
                null, null, null, null);
        return new RestorePlan("r1", r, null, null, null, new DatadirGuard("r1", dir.resolve("mysql"), List.of()), "config", null, null, true, List.of());
    }

    private static Undo progress(boolean stopped, Path aside, boolean startBegun) {
        Undo p = new Undo();
        p.stopped = stopped;
        p.aside = aside;
        p.startBegun = startBegun;
        return p;
    }

    private static final String START = "sh -c 'systemctl start mariadb && echo it'\\''s up'";
    private static final String LOG = "; the log is in the repository (.restore-ID.log)";

    @Test
    void refusedBeforeTheStopNothingToDo() {
        assertEquals("nothing was moved" + LOG, progress(false, null, false).hint(plan(), "ID"));
    }

    @Test
    void stoppedButNotMovedSaysToStartItAgain() {
        assertEquals("nothing was moved; the replica was stopped: start it again: " + START + LOG,
                progress(true, null, false).hint(plan(), "ID"));
    }

    @Test
    void failedPrepareHasNoNewDatadirToMove() {
        Path aside = dir.resolve("mysql.before-restore-ID");
        assertEquals("the old datadir is intact at " + aside + "; to put it back: mv " + aside + " "
                + dir.resolve("mysql") + "; " + START + LOG, progress(true, aside, false).hint(plan(), "ID"));
    }

    @Test
    void failedStartStopsTheServerAndMovesTheNewDatadirAsideFirst() throws Exception {
        Path aside = dir.resolve("mysql.before-restore-ID");
        Path datadir = Files.createDirectory(dir.resolve("mysql"));
        assertEquals("the old datadir is intact at " + aside + "; to put it back: systemctl stop mariadb; mv "
                + datadir + " " + datadir + ".failed-restore-ID; mv " + aside + " " + datadir + "; " + START + LOG,
                progress(true, aside, true).hint(plan(), "ID"));
    }
}
