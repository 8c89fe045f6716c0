package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ProcessResultTest {

    @Test
    void aFailedPrepareQuotesTheEnginesErrorLineBesideItsLastWords() {
        // The tail mariadb-backup 10.11 writes when the redo log of the backup is damaged.
        String tail = String.join("\n",
                "[00] 2026-12-01 19:20:11 mariabackup: Generating a list of tablespaces",
                "[ERROR] InnoDB: Missing FILE_CHECKPOINT at 46873 between the checkpoint 46873 and the end 46873.",
                "[00] FATAL ERROR: 2026-12-01 19:20:11 mariabackup: --prepare is not possible: no valid checkpoint",
                "Error in my_thread_global_end(): 1 threads didn't exit");
        ProcessResult r = new ProcessResult("mariadb-backup", 1, false, false, Duration.ofSeconds(5), tail);

        assertEquals("mariadb-backup exited with status 1: [ERROR] InnoDB: Missing FILE_CHECKPOINT at 46873 between "
                + "the checkpoint 46873 and the end 46873. | Error in my_thread_global_end(): 1 threads didn't exit",
                r.describe());
    }

    @Test
    void aKilledEngineSaysWhichSignal() {
        ProcessResult r = new ProcessResult("mariabackup", 137, false, false, Duration.ofSeconds(2),
                "[01] Copying ./shop/orders.ibd to /repo/db1/x/data/shop/orders.ibd\n");
        assertEquals("mariabackup was killed by signal 9 (SIGKILL): [01] Copying ./shop/orders.ibd to "
                + "/repo/db1/x/data/shop/orders.ibd", r.describe());
    }
}
