package org.backupscheduler.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.backup.RepositoryLayout;
import org.backupscheduler.sandbox.LongMyisamUpdate;
import org.backupscheduler.testing.ArgvWatcher;
import org.backupscheduler.testing.LoadedPrimary;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the middle of a backup, each ending with: nothing lost, a correct status, a clear
 * message, and the next run working. A long MyISAM UPDATE holds the engine in its lock phase,
 * so "mid-backup" is a real moment and not a race.
 */
class FaultsIT {
    @RegisterExtension
    static final LoadedPrimary PRIMARY = new LoadedPrimary("flt", 20_000);

    @TempDir
    Path dir;

    private Path config(String extra) throws IOException {
        return TestSetup.config(dir, PRIMARY.server(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                extra);
    }

    @Test
    void engineKilledMidBackupIsFailedAndTheNextRunWorks() throws Exception {
        Path config = config(null);
        Result run;
        try (LongMyisamUpdate blocker = LongMyisamUpdate.start(PRIMARY.server())) {
            CompletableFuture<Result> running = CompletableFuture.supplyAsync(
                    () -> TestSetup.cli("--config", config.toString(), "run"));
            ProcessHandle engine = awaitEngine(ProcessHandle.current());
            engine.destroyForcibly();
            run = running.get(60, TimeUnit.SECONDS);
        }

        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> failed = newest(config);
        assertEquals("FAILED", failed.get("status"));
        assertTrue(((String) failed.get("reason")).contains("was killed by signal 9 (SIGKILL)"), failed.toString());
        assertTrue(run.err().contains("HINT:"), run.err());
        assertPartialFolderMarked(failed);

        assertNextRunWorks(config);
    }

    @Test
    void runTimeoutEndsTheEngineAndItsStuckServerSessions() throws Exception {
        Path config = config("schedule:\n  run-timeout: 3s");
        Result run;
        try (LongMyisamUpdate blocker = LongMyisamUpdate.start(PRIMARY.server())) {
            run = TestSetup.cli("--config", config.toString(), "run");
            // Still inside the blocker: the engine's session would be queued behind it now.
            long left = org.backupscheduler.sandbox.SqlValues.count(PRIMARY.server(), "SELECT COUNT(*) FROM "
                    + "information_schema.PROCESSLIST WHERE USER = '" + TestSetup.BACKUP_USER + "'");
            assertEquals(0, left, "no session of the backup account is left waiting");
            // Nor an engine: the timeout ended its whole process tree.
            assertEquals(List.of(), ProcessHandle.current().descendants()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains("--backup")).orElse(false))
                    .map(ProcessHandle::pid).toList(), "engine processes left");
        }
        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> failed = newest(config);
        assertEquals("FAILED", failed.get("status"));
        String reason = (String) failed.get("reason");
        assertTrue(reason.startsWith("timeout (schedule.run-timeout 3s): mariadb-backup timed out after")
                || reason.startsWith("timeout (schedule.run-timeout 3s): mariabackup timed out after"), reason);
        Files.writeString(config, Files.readString(config).replace("run-timeout: 3s", "run-timeout: 50m"));
        assertNextRunWorks(config);
    }

    @Test
    void ourOwnProcessKilledMidBackupIsFoundAtTheNextStart() throws Exception {
        Path config = config(null);
        Process cli;
        try (LongMyisamUpdate blocker = LongMyisamUpdate.start(PRIMARY.server())) {
            cli = new ProcessBuilder("java", "-jar", Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(),
                    "--config", config.toString(), "run")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("cli.out").toFile()).start();
            ProcessHandle engine = awaitEngine(cli.toHandle());
            cli.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            // The engine outlives its killed parent; the next start must end it.
            assertTrue(engine.isAlive(), "precondition: the orphaned engine still runs");

            Result list = TestSetup.cli("--config", config.toString(), "list", "--json");
            assertEquals(0, list.exitCode(), list.toString());
            engine.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(engine.isAlive(), "the next start ended the dead run's engine");
            // SIGKILL left the dead run's credentials file behind; the next start removed it.
            try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString()
                        .startsWith("bs-cred-" + cli.pid() + "-")).toList());
            }
        }

        Map<String, Object> failed = newest(config);
        assertEquals("FAILED", failed.get("status"));
        assertTrue(((String) failed.get("reason")).contains("died before it finished"), failed.toString());
        assertPartialFolderMarked(failed);

        assertNextRunWorks(config);
    }

    @Test
    void repositoryDiskFullIsFailedWithTheEnginesErrorAndNothingElseHurt() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: mounting a small tmpfs needs root");
        Path small = Files.createDirectories(dir.resolve("small"));
        mount(small);
        try {
            // The catalog lives elsewhere: a full repository must not take the catalog with it.
            Path config = TestSetup.config(dir, PRIMARY.server(), TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    "catalog:\n  url: jdbc:h2:file:" + dir.resolve("catalog"));
            Files.writeString(config, Files.readString(config).replace("repository: " + dir.resolve("repo"),
                    "repository: " + small));

            Result run = TestSetup.cli("--config", config.toString(), "run");

            assertEquals(1, run.exitCode(), run.toString());
            Map<String, Object> failed = newest(config);
            assertEquals("FAILED", failed.get("status"));
            // Refused before the engine starts (the copy could not fit); an engine that still
            // fills the disk is FullDiskIT's case.
            String reason = (String) failed.get("reason");
            assertTrue(reason.startsWith("not enough space for the backup in " + small), reason);
            assertFalse(Files.exists(Path.of((String) failed.get("path")).resolve(RepositoryLayout.DATA)));
            assertTrue(PRIMARY.server().isRunning(), "the source is untouched");

            // Room again (the operator moved the repository): the next run works.
            Files.writeString(config, Files.readString(config).replace("repository: " + small,
                    "repository: " + dir.resolve("repo")));
            assertNextRunWorks(config);
        } finally {
            new ProcessBuilder("umount", "-l", small.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void sourceRestartedMidBackupIsFailedAndTheNextRunWorks() throws Exception {
        Path config = config(null);
        Result run;
        try (LongMyisamUpdate blocker = LongMyisamUpdate.start(PRIMARY.server())) {
            CompletableFuture<Result> running = CompletableFuture.supplyAsync(
                    () -> TestSetup.cli("--config", config.toString(), "run"));
            awaitEngine(ProcessHandle.current());
            Thread.sleep(1000);
            PRIMARY.server().stop();
            PRIMARY.server().restart();
            run = running.get(120, TimeUnit.SECONDS);
        }

        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> failed = newest(config);
        assertEquals("FAILED", failed.get("status"));
        assertTrue(((String) failed.get("reason")).startsWith("mariadb-backup exited with status")
                || ((String) failed.get("reason")).startsWith("mariabackup exited with status"), failed.toString());
        assertPartialFolderMarked(failed);

        assertNextRunWorks(config);
    }

    @Test
    void unreachableCatalogStopsBeforeAnyEngineStarts() throws Exception {
        Path config = config("catalog:\n  url: jdbc:mysql://127.0.0.1:1/backup_catalog?connectTimeout=2000");
        Result run;
        try (ArgvWatcher watcher = new ArgvWatcher(List.of("mariabackup", "mariadb-backup"))) {
            run = TestSetup.cli("--config", config.toString(), "run");
            watcher.close();
            // Engines of other processes on this host may run meanwhile: look for one writing here.
            assertEquals(Optional.empty(), watcher.seen().stream()
                    .filter(a -> a.contains("--backup") && a.contains(dir.toString())).findAny());
        }
        assertEquals(1, run.exitCode(), run.toString());
        String[] lines = run.err().strip().split("\n");
        assertTrue(lines[lines.length - 2].startsWith("error: catalog jdbc:mysql://127.0.0.1:1/backup_catalog"),
                run.err());
        assertTrue(lines[lines.length - 1].contains("nothing was backed up"), run.err());
        assertFalse(Files.exists(dir.resolve("repo").resolve(PRIMARY.server().name())), "no backup folder was made");
    }

    @Test
    void missingEngineSaysHowToInstallItAndLeavesNoRow() throws Exception {
        Path config = config(null);
        Files.writeString(config, Files.readString(config).replace("engine:\n", "engine:\n  tool: no-such-backup-tool\n"));

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("error: engine.tool no-such-backup-tool is not on PATH"), run.err());
        assertTrue(run.err().contains("HINT: install it (apt-get install mariadb-backup)"), run.err());
        Result list = TestSetup.cli("--config", config.toString(), "list", "--json");
        assertEquals("[ ]", list.out().strip());
    }

    @Test
    void autoWithNoEngineOnPathSaysHowToInstallItAndLeavesNoRow() throws Exception {
        Path config = config(null);
        Files.writeString(config, Files.readString(config).replace("engine:\n", "engine:\n  tool: auto\n"));
        // As cron would run it on a host without mariadb-backup: PATH holds no engine at all.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-jar",
                Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(), "--config", config.toString(), "run")
                .redirectOutput(dir.resolve("cli.out").toFile()).redirectError(dir.resolve("cli.err").toFile());
        pb.environment().put("PATH", Files.createDirectory(dir.resolve("empty-bin")).toString());
        Process cli = pb.start();
        assertTrue(cli.waitFor(120, TimeUnit.SECONDS), "the CLI ended");

        String err = Files.readString(dir.resolve("cli.err"));
        assertEquals(1, cli.exitValue(), err);
        List<String> errors = err.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(List.of("error: no backup engine found: none of mariadb-backup, mariabackup, xtrabackup is on "
                + "PATH"), errors, err);
        List<String> lines = err.lines().toList();
        assertEquals("HINT: install it (apt-get install mariadb-backup) or set engine.tool to its path",
                lines.get(lines.indexOf(errors.get(0)) + 1), err);
        assertFalse(err.contains("\tat "), "no stack trace without --debug: " + err);
        Result list = TestSetup.cli("--config", config.toString(), "list", "--json");
        assertEquals("[ ]", list.out().strip());
    }

    // --- helpers

    private Map<String, Object> newest(Path config) throws IOException {
        return TestSetup.newest(config);
    }

    private void assertNextRunWorks(Path config) throws IOException {
        Result next = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, next.exitCode(), next.toString());
        Map<String, Object> b = newest(config);
        assertEquals("VERIFIED", b.get("status"), b.toString());
    }

    private static void assertPartialFolderMarked(Map<String, Object> failed) throws IOException {
        Path folder = Path.of((String) failed.get("path"));
        assertTrue(Files.isDirectory(folder), "the partial folder stays for inspection");
        Path marker = folder.resolve(RepositoryLayout.FAILED_MARKER);
        assertTrue(Files.readString(marker).contains("not a backup"), "marked: " + marker);
    }

    /** Waits until {@code parent} has a running engine child doing a backup, and returns it. */
    private static ProcessHandle awaitEngine(ProcessHandle parent) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            Optional<ProcessHandle> engine = parent.descendants()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains("--backup")).orElse(false))
                    .findFirst();
            if (engine.isPresent()) {
                // Let it get into its copy and lock phase.
                Thread.sleep(1500);
                return engine.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no engine started");
    }

    private static void mount(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "skipped: cannot mount a tmpfs here: " + out);
    }
}
