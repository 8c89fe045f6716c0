package org.backupscheduler.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.ArgvWatcher;
import org.backupscheduler.testing.OpenSshServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore --latest --replica r1} with {@code replicas.r1.ssh}: the replica "on its own host"
 * reached through its own OpenSSH server on loopback. Every process of the restore that touches
 * the replica (the stop command, mbstream, the engine's prepare and move-back) must descend from
 * that sshd, not from this JVM; the replica ends replicating with the primary's data, and its old
 * datadir is kept aside.
 */
class SshRestoreIT {
    @TempDir
    Path dir;

    @Test
    void aReplicaBehindItsOwnSshdIsRebuiltThere() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps)");
        try (ReplicationPair pair = ReplicationPair.start("srs");
             OpenSshServer ssh = OpenSshServer.start(dir.resolve("ssh"))) {
            TestSetup.createBackupUser(pair.primary());
            Workload.load(pair.primary(), 2_000);
            pair.awaitCaughtUp(Duration.ofSeconds(30));

            Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
            String replica = pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir())
                    .replace("    primary:", "    ssh: {host: 127.0.0.1, port: " + ssh.port() + ", user: " + ssh.user()
                            + ", identity-file: " + ssh.identityFile() + ", known-hosts: " + ssh.knownHosts() + "}\n"
                            + "    primary:");
            // compress: the backup is stored as a stream, which is what is sent to the replica's host.
            Path config = TestSetup.config(dir, pair.primary(), TestSetup.passwordFile(dir, "pw",
                    TestSetup.BACKUP_PASSWORD), "  compress: zstd\n" + replica);
            Result run = TestSetup.cli("--config", config.toString(), "run");
            assertEquals(0, run.exitCode(), run.toString());

            // Broken: replication gone and a table lost on the replica only.
            pair.replica().execute("STOP SLAVE");
            pair.replica().execute("RESET SLAVE ALL");
            pair.replica().execute("SET sql_log_bin = 0");
            pair.replica().execute("DROP DATABASE shop");

            String work = pair.replica().datadir().getFileName() + ".restore-work-";
            // The processes of this machine that work on the replica, with their parents.
            String replicaCnf = pair.replica().cnf().toString();
            ArgvWatcher watch = ArgvWatcher.tracking(List.of(), argv -> {
                String first = argv.split(" ", 2)[0];
                boolean tool = (first.endsWith("mbstream") || first.endsWith("mariadb-backup")
                        || first.endsWith("mariabackup")) && argv.contains(work);
                boolean stopCommand = first.endsWith("mariadb-admin") && argv.contains(replicaCnf);
                return tool || stopCommand;
            });
            Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");
            watch.close();
            assertEquals(0, restore.exitCode(), restore.toString());

            // mbstream -x, the prepare and the move-back, and the stop command: all under the replica's sshd.
            Map<Long, String> argvs = watch.matched();
            List<String> seen = argvs.values().stream().map(String::strip).toList();
            assertTrue(seen.stream().anyMatch(a -> a.matches("\\S*mbstream -x -C \\S*" + work + ".*")), seen.toString());
            assertTrue(seen.stream().anyMatch(a -> a.contains(" --prepare ")), seen.toString());
            assertTrue(seen.stream().anyMatch(a -> a.contains(" --move-back ")), seen.toString());
            assertTrue(seen.stream().anyMatch(a -> a.contains(" shutdown")), seen.toString());
            for (var p : watch.parents().entrySet()) {
                List<Long> chain = p.getValue();
                assertTrue(chain.contains(ssh.pid()), argvs.get(p.getKey()).strip() + " is not under the replica's sshd "
                        + ssh.pid() + ": parents " + chain);
                assertTrue(chain.indexOf(ssh.pid()) < chain.indexOf(ProcessHandle.current().pid()),
                        "started by this process, not by its sshd: " + chain);
            }

            assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
            assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            Map<String, Long> primaryRows = rowCounts(pair.primary());
            assertFalse(primaryRows.isEmpty());
            assertEquals(primaryRows, rowCounts(pair.replica()), "row counts of the replica equal the primary's");

            try (Stream<Path> beside = Files.list(pair.replica().datadir().getParent())) {
                List<String> names = beside.map(p -> p.getFileName().toString()).toList();
                List<String> aside = names.stream().filter(n -> n.startsWith("data.before-restore-")).toList();
                assertEquals(1, aside.size(), names.toString());
                assertTrue(Files.exists(pair.replica().datadir().resolveSibling(aside.get(0)).resolve("ibdata1")),
                        "the old datadir is kept whole");
                assertTrue(restore.out().contains("the old datadir is kept at "), restore.out());
                assertTrue(names.stream().noneMatch(n -> n.startsWith(work)), "working folder left: " + names);
            }
        }
    }

    private static Map<String, Long> rowCounts(SandboxServer server) throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'shop' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM shop.`" + t + "`")) {
                    rs.next();
                    rows.put(t, rs.getLong(1));
                }
            }
        }
        return rows;
    }
}
