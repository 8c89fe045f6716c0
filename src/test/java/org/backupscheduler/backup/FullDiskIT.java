package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.sandbox.LongMyisamUpdate;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 30 MiB repository (a tmpfs) holding the default embedded catalog: a backup that cannot fit
 * is refused before the engine starts, one that overflows while it runs has its partial copy
 * removed, and either way the run is FAILED saying why, the disk is usable again and
 * {@code list} still opens the catalog.
 */
class FullDiskIT {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path repo;
    private SandboxServer server;

    @BeforeEach
    void mountSmallRepository() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: mounting a small tmpfs needs root");
        repo = Files.createDirectories(dir.resolve("repo"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=30m,mode=0700", "tmpfs", repo.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "skipped: cannot mount a tmpfs here: " + out);
        server = SandboxServer.start(SandboxOptions.primary("full"));
        TestSetup.createBackupUser(server);
        // The MyISAM table a long UPDATE holds (LongMyisamUpdate: 3 ms a row), and an InnoDB table
        // created before the backup starts: rows added while it runs are redo, not DDL.
        server.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, event VARCHAR(128) NOT NULL) "
                        + "ENGINE=MyISAM",
                "INSERT INTO shop.audit (event) SELECT CONCAT('event-', seq) FROM shop.seq_1_to_20000",
                "CREATE TABLE shop.blobs (id INT AUTO_INCREMENT PRIMARY KEY, pad LONGBLOB) ENGINE=InnoDB");
    }

    @AfterEach
    void unmount() throws Exception {
        if (server != null) {
            server.close();
        }
        if (repo != null) {
            new ProcessBuilder("umount", "-l", repo.toString()).inheritIO().start().waitFor();
        }
    }

    private Path config() throws IOException {
        // No catalog: key: the default H2 file lives in the repository, on the small disk. The lock
        // policy ends the long UPDATE after 5 s, not 30.
        return TestSetup.config(dir, server, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                "locks:\n  wait-threshold: 5s");
    }

    @Test
    void aBackupThatCannotFitIsRefusedBeforeTheEngineStarts() throws Exception {
        server.execute("INSERT INTO shop.blobs (pad) SELECT REPEAT('x', 1048576) FROM shop.seq_1_to_40");
        Path config = config();

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> failed = TestSetup.newest(config); // list opens the catalog
        assertEquals("FAILED", failed.get("status"), failed.toString());
        String reason = (String) failed.get("reason");
        assertTrue(reason.startsWith("not enough space for the backup in " + repo.resolve(server.name())
                + ": "), reason);
        assertTrue(reason.contains("MiB free, about ") && reason.contains(" needed (the datadir ")
                && reason.contains("the engine was not started"), reason);
        assertTrue(run.err().contains("FAILED: not enough space for the backup"), run.err());
        Path folder = Path.of((String) failed.get("path"));
        assertFalse(Files.exists(folder.resolve(RepositoryLayout.DATA)), "no engine ran");
        assertTrue(Files.getFileStore(repo).getUsableSpace() > 20 * MIB, "the disk is not left full");
    }

    @Test
    void aDiskFilledWhileTheEngineRunsIsFreedAndTheRunFailedSayingSo() throws Exception {
        Path config = config();
        Result run;
        // The datadir fits (about 18 MiB the engine copies); what the server writes while the
        // engine waits for its lock behind a long MyISAM UPDATE grows the backup's redo log copy
        // past the disk.
        try (LongMyisamUpdate blocker = LongMyisamUpdate.start(server)) {
            CompletableFuture<Result> running = CompletableFuture.supplyAsync(
                    () -> TestSetup.cli("--config", config.toString(), "run"));
            awaitEngine();
            for (int i = 0; i < 8 && !running.isDone(); i++) {
                server.execute("INSERT INTO shop.blobs (pad) SELECT REPEAT('y', 1048576) FROM shop.seq_1_to_4");
            }
            run = running.get(120, TimeUnit.SECONDS);
        }

        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> failed = TestSetup.newest(config); // list opens the catalog
        assertEquals("FAILED", failed.get("status"), run + "\n" + failed);
        String reason = (String) failed.get("reason");
        assertTrue(reason.contains("No space left on device"), reason);
        assertTrue(reason.contains("; the partial copy (") && reason.endsWith(" MiB) was removed to free the disk, "
                + "its backup.log kept"), reason);
        Path folder = Path.of((String) failed.get("path"));
        assertEquals(List.of(RepositoryLayout.FAILED_MARKER, RepositoryLayout.LOG, "source.json"), list(folder),
                "only the log, the marker and the source's state stay");
        assertTrue(Files.readString(folder.resolve(RepositoryLayout.LOG)).contains("No space left on device"));
        assertTrue(Files.getFileStore(repo).getUsableSpace() > 20 * MIB, "the disk is not left full");
        Result report = TestSetup.cli("--config", config.toString(), "report");
        assertEquals(3, report.exitCode(), report.toString()); // it opens, and finds the failed run
        assertTrue(report.out().contains((String) failed.get("id")), report.out());
    }

    /** Waits until an engine runs a backup, then lets it copy the tables and reach its lock wait. */
    private static void awaitEngine() throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            boolean engine = ProcessHandle.current().descendants()
                    .anyMatch(p -> p.info().arguments().map(a -> List.of(a).contains("--backup")).orElse(false));
            if (engine) {
                Thread.sleep(1500);
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no engine started");
    }

    private static List<String> list(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
