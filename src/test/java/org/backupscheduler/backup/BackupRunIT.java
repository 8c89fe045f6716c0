package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backupscheduler.testing.ArgvWatcher;
import org.backupscheduler.testing.LoadedPrimary;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `backup run` against a real sandbox PRIMARY.server() with the real mariabackup. */
class BackupRunIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final LoadedPrimary PRIMARY = new LoadedPrimary("run", 20_000);

    @TempDir
    Path dir;

    @Test
    void atEnginePriorityLowTheEngineRunsAtNice19AndTheBackupIsVerified() throws Exception {
        Path config = TestSetup.config(dir, PRIMARY.server(),
                TestSetup.passwordFile(dir, "source.password", TestSetup.BACKUP_PASSWORD), null);
        Files.writeString(config, Files.readString(config).replace("  parallel: 2\n", "  parallel: 2\n  priority: low\n"));
        assertTrue(Files.readString(config).contains("priority: low"));

        // What `ps -o ni` would show of the engine while it copies: this JVM's `mariabackup --backup`
        // children (the --version probe and the verification's --prepare after it keep their priority).
        Set<Integer> niceness = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                ProcessHandle.current().descendants()
                        .filter(h -> h.info().command().map(c -> c.endsWith("mariabackup") || c.endsWith("mariadb-backup"))
                                .orElse(false) && h.info().arguments().map(a -> List.of(a).contains("--backup")).orElse(false))
                        .forEach(h -> {
                            try {
                                String stat = Files.readString(Path.of("/proc", String.valueOf(h.pid()), "stat"));
                                // fields after the command's closing parenthesis: state is the 3rd field, nice the 19th
                                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                                niceness.add(Integer.parseInt(f[16]));
                            } catch (java.io.IOException | RuntimeException gone) {
                                // the process ended between the listing and the read
                            }
                        });
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        Result run;
        try {
            run = TestSetup.cli("--config", config.toString(), "run");
        } finally {
            done.set(true);
            sampler.join();
        }
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("VERIFIED", onlyBackup(config).get("status"));
        assertEquals(Set.of(19), niceness, "the engine's niceness while it ran");
    }

    @Test
    void fullBackupWhileAWriterRunsIsCompletedWithCoordinatesLsnsAndAManifestOfEveryFile() throws Exception {
        Path config = TestSetup.config(dir, PRIMARY.server(),
                TestSetup.passwordFile(dir, "source.password", TestSetup.BACKUP_PASSWORD), null);

        Result run;
        Set<String> argvs;
        Set<String> ourArgvs;
        try (Workload writer = new Workload(PRIMARY.server()).startWriter();
             ArgvWatcher watcher = new ArgvWatcher(List.of("mariabackup", "mariadb-backup"))) {
            run = TestSetup.cli("--config", config.toString(), "run");
            watcher.close();
            argvs = watcher.seen();
            ourArgvs = watcher.ours();
            assertTrue(writer.written() > 0, "the writer wrote during the backup");
        }
        assertEquals(0, run.exitCode(), run.toString());

        Map<String, Object> b = onlyBackup(config);
        assertEquals("VERIFIED", b.get("status"));
        assertEquals("full", b.get("type"));
        assertTrue(((String) b.get("binlog_file")).startsWith("mysql-bin."), "binlog file: " + b);
        assertTrue(((Number) b.get("binlog_position")).longValue() > 0, "binlog position: " + b);
        assertTrue(((String) b.get("gtid")).matches("0-1-\\d+"), "gtid: " + b);
        assertTrue(((Number) b.get("to_lsn")).longValue() > 0, "to_lsn: " + b);

        // The catalog says what the engine's own files say.
        Path backupDir = Path.of((String) b.get("path"));
        String binlogInfo = Files.readString(backupDir.resolve("data/xtrabackup_binlog_info")).strip();
        assertEquals(binlogInfo, b.get("binlog_file") + "\t" + b.get("binlog_position") + "\t" + b.get("gtid"));
        assertTrue(Files.readString(backupDir.resolve("data/xtrabackup_checkpoints"))
                .contains("to_lsn = " + b.get("to_lsn")));

        // The manifest lists every file of the folder (but itself), with its real size.
        Manifest manifest = Manifest.read(backupDir);
        Set<String> onDisk;
        try (var walk = Files.walk(backupDir)) {
            onDisk = walk.filter(Files::isRegularFile).map(p -> FileChecksums.relative(backupDir, p))
                    .filter(p -> !p.equals("manifest.json")).collect(Collectors.toSet());
        }
        assertEquals(onDisk, manifest.files().stream().map(Manifest.FileEntry::path).collect(Collectors.toSet()));
        for (Manifest.FileEntry f : manifest.files()) {
            assertEquals(Files.size(backupDir.resolve(f.path())), f.size(), f.path());
        }
        // A table created shortly before the backup is copied as .new (the engine renames it at prepare).
        assertTrue(onDisk.contains("data/shop/orders.ibd") || onDisk.contains("data/shop/orders.new"), "" + onDisk);
        assertTrue(onDisk.contains("data/shop/audit.MYD"), "" + onDisk);
        assertEquals(List.of("audit", "orders"), manifest.inventory().get("shop"));

        // Private: the folder 0700, the files 0600.
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backupDir)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(backupDir.resolve("data/shop/audit.MYD"))));

        // No password in the engine's argv, and its credentials file is gone afterwards.
        assertFalse(argvs.isEmpty(), "the watcher saw the engine run");
        for (String argv : argvs) {
            assertFalse(argv.contains(TestSetup.BACKUP_PASSWORD), "password in argv: " + argv);
        }
        Matcher m = Pattern.compile("--defaults-extra-file=(\\S+)").matcher(String.join(" ", ourArgvs));
        assertTrue(m.find(), "the engine got its credentials from a file: " + ourArgvs);
        Path credentials = Path.of(m.group(1));
        assertFalse(Files.exists(credentials), "credentials file left behind: " + credentials);
        assertFalse(Files.exists(credentials.getParent()), "credentials dir left behind");
    }

    @Test
    void wrongPasswordIsRecordedFailedWithTheServersWordsAndExitsOne() throws Exception {
        Path config = TestSetup.config(dir, PRIMARY.server(), TestSetup.passwordFile(dir, "wrong.password", "not-it"), null);

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Access denied for user 'backup'"), run.err());
        assertTrue(run.err().contains("HINT:"), run.err());
        Map<String, Object> b = onlyBackup(config);
        assertEquals("FAILED", b.get("status"));
        assertTrue(((String) b.get("reason")).contains("Access denied for user 'backup'"), "reason: " + b);
    }

    @Test
    void engineFailureIsRecordedFailedQuotingTheEngine() throws Exception {
        // Without BINLOG MONITOR the server lets us in, and mariabackup fails at its end.
        PRIMARY.server().execute("CREATE USER IF NOT EXISTS 'weak'@'127.0.0.1' IDENTIFIED BY 'weak-pw'",
                "CREATE USER IF NOT EXISTS 'weak'@'localhost' IDENTIFIED BY 'weak-pw'",
                "GRANT RELOAD, PROCESS ON *.* TO 'weak'@'127.0.0.1'",
                "GRANT RELOAD, PROCESS ON *.* TO 'weak'@'localhost'");
        Path config = TestSetup.config(dir, PRIMARY.server(), TestSetup.passwordFile(dir, "weak.password", "weak-pw"), null);
        Files.writeString(config, Files.readString(config).replace("user: backup", "user: weak"));

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> b = onlyBackup(config);
        assertEquals("FAILED", b.get("status"));
        String reason = (String) b.get("reason");
        assertTrue(reason.startsWith("mariadb-backup exited with status") || reason.startsWith("mariabackup exited"),
                "reason names the engine and its status: " + reason);
        assertFalse(Files.exists(Path.of((String) b.get("path")).resolve("manifest.json")),
                "a failed backup has no manifest, so it can never count as valid");
    }

    @Test
    void incrementalWithoutAVerifiedParentTakesAFullInstead() throws Exception {
        Path config = TestSetup.config(dir, PRIMARY.server(),
                TestSetup.passwordFile(dir, "source.password", TestSetup.BACKUP_PASSWORD), "verify:\n  after-backup: []");

        Result run = TestSetup.cli("--config", config.toString(), "run", "--type", "incremental");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no VERIFIED backup to base an incremental on: taking a full backup instead"),
                run.err());
        Map<String, Object> b = onlyBackup(config);
        assertEquals("full", b.get("type"));
        assertEquals(null, b.get("parent_id"));
    }

    private static Map<String, Object> onlyBackup(Path config) throws Exception {
        Result list = TestSetup.cli("--config", config.toString(), "list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        List<Map<String, Object>> backups = JSON.readValue(list.out(), new TypeReference<>() { });
        assertEquals(1, backups.size(), list.out());
        assertNotNull(backups.get(0).get("id"));
        return backups.get(0);
    }
}
