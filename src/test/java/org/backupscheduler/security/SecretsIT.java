package org.backupscheduler.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.ArgvWatcher;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a password could leak, looked at after real runs, as an attacker on the host would:
 * every process's argv, our output, the engine's log, the catalog's file, every file we wrote.
 */
class SecretsIT {
    @TempDir
    Path dir;

    @Test
    void thePasswordIsNowhereButItsOwnFile() throws Exception {
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("sec"))) {
            TestSetup.createBackupUser(server);
            Path passwordFile = TestSetup.passwordFile(dir, "source.password", TestSetup.BACKUP_PASSWORD);
            Path config = TestSetup.config(dir, server, passwordFile, null);

            List<Result> results = new ArrayList<>();
            Set<String> argvs;
            try (ArgvWatcher watcher = new ArgvWatcher(List.of("mariabackup", "mariadb-backup", "mariadbd"))) {
                results.add(TestSetup.cli("--config", config.toString(), "run"));
                results.add(TestSetup.cli("--config", config.toString(), "list", "--json"));
                // The restore drill starts a throw-away mariadbd on the prepared copy and logs into it.
                results.add(TestSetup.cli("--config", config.toString(), "verify", "--latest", "--deep"));
                watcher.close();
                argvs = watcher.seen();
            }
            assertEquals(0, results.get(0).exitCode(), results.get(0).toString());
            assertEquals(0, results.get(2).exitCode(), results.get(2).toString());
            for (String format : List.of("text", "json", "html")) {
                Result report = TestSetup.cli("--config", config.toString(), "report", "--format", format);
                assertEquals(0, report.exitCode(), report.toString());
                results.add(report);
            }
            // A failing run writes its reasons too: a wrong password must not echo the right one.
            server.execute("ALTER USER 'backup'@'127.0.0.1' IDENTIFIED BY 'changed-by-dba'");
            Result refused = TestSetup.cli("--config", config.toString(), "run");
            assertEquals(1, refused.exitCode(), refused.toString());
            results.add(refused);
            // The report of a catalog holding that failure, too.
            results.add(TestSetup.cli("--config", config.toString(), "report", "--format", "json"));

            assertTrue(argvs.stream().anyMatch(a -> a.contains("--backup")), "the watcher saw the engine: " + argvs);
            assertTrue(argvs.stream().anyMatch(a -> a.startsWith("mariadbd --defaults-file=") && a.contains("drill")),
                    "the watcher saw the deep verify's server: " + argvs);
            argvs.forEach(a -> assertFalse(a.contains(TestSetup.BACKUP_PASSWORD), "password in argv: " + a));
            results.forEach(r -> assertFalse(r.toString().contains(TestSetup.BACKUP_PASSWORD), "in output: " + r));

            // Every file under the repository (backups, engine logs, manifests, the H2 catalog).
            List<Path> leaks = new ArrayList<>();
            try (var files = Files.walk(dir.resolve("repo"))) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    if (contains(f, TestSetup.BACKUP_PASSWORD)) {
                        leaks.add(f);
                    }
                }
            }
            assertEquals(List.of(), leaks, "files holding the password");
            // Our temporary credentials files are gone (bs-cred-<pid>-: other processes on the host
            // may be running backups of their own right now).
            String ours = "bs-cred-" + ProcessHandle.current().pid() + "-";
            try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().startsWith(ours))
                        .filter(p -> contains(p.resolve("client.cnf"), TestSetup.BACKUP_PASSWORD)).toList());
            }
        }
    }

    private static boolean contains(Path file, String secret) {
        try {
            return Files.exists(file) && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                    .contains(secret);
        } catch (IOException e) {
            return false;
        }
    }
}
