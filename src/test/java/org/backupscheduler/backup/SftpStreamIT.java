package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.OpenSshServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream path into an SFTP repository ([2.2]) against Debian's OpenSSH on a loopback port:
 * the host key checked against known-hosts, key authentication, the chunks and the manifest in
 * the remote folder, and the backup prepared (VERIFIED) from there; a changed host key refuses;
 * a drifted replica rebuilt straight from the SFTP store replicates again with the primary's rows.
 */
class SftpStreamIT {
    @TempDir
    Path dir;

    @Test
    void aBackupIntoAnSftpRepositoryIsVerifiedFromThereAndAChangedHostKeyIsRefusedByCheck() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps test)");
        try (OpenSshServer sshd = OpenSshServer.start(dir.resolve("sshd"));
             SandboxServer primary = SandboxServer.start(SandboxOptions.primary("sft"))) {
            TestSetup.createBackupUser(primary);
            Workload.load(primary, 2_000);
            Path remote = dir.resolve("remote-repo");
            Path config = TestSetup.config(dir, primary, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                    null);
            String section = "state-dir: " + dir.resolve("state") + "\n"
                    + "repository:\n"
                    + "  url: sftp://" + sshd.user() + "@127.0.0.1:" + sshd.port() + remote + "\n"
                    + "  sftp: {identity-file: " + sshd.identityFile() + ", known-hosts: " + sshd.knownHosts() + "}\n"
                    + "  chunk-size: 2MiB";
            Files.writeString(config, Files.readString(config).replace("repository: " + dir.resolve("repo"), section));

            Result run = TestSetup.cli("--config", config.toString(), "run");

            assertEquals(0, run.exitCode(), run.toString());
            Map<String, Object> b = TestSetup.newest(config);
            assertEquals("VERIFIED", b.get("status"), "prepared from the chunks read over SFTP: " + b);
            Path objects = remote.resolve(b.get("instance") + "/" + b.get("id"));
            assertTrue(Files.isRegularFile(objects.resolve("manifest.json")), "the manifest is in the remote folder");
            try (var chunks = Files.list(objects.resolve("chunks"))) {
                List<Path> all = chunks.toList();
                assertTrue(all.size() >= 1, all.toString());
            }

            // The server's key is not the one known-hosts names: no connection, one clear line, exit 2.
            // (repository check opens its own connection; a run in this same JVM would reuse the
            // session the first run opened, as a daemon does.)
            sshd.writeKnownHosts(sshd.knownHosts(), sshd.otherPublicKey());
            Result check = TestSetup.cli("--config", config.toString(), "repository", "check");
            assertEquals(2, check.exitCode(), check.toString());
            assertTrue(check.out().contains("CHANGED: known-hosts " + sshd.knownHosts()), check.out());
        }
    }

    @Test
    void aReplicaIsRebuiltStraightFromTheSftpStore() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps test)");
        try (OpenSshServer sshd = OpenSshServer.start(dir.resolve("sshd"));
             ReplicationPair pair = ReplicationPair.start("sfr")) {
            TestSetup.createBackupUser(pair.primary());
            Workload.load(pair.primary(), 2_000);
            pair.primary().execute("CREATE TABLE shop.marks (name VARCHAR(32) PRIMARY KEY) ENGINE=InnoDB");
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
            Path config = TestSetup.config(dir, pair.primary(), TestSetup.passwordFile(dir, "pw",
                    TestSetup.BACKUP_PASSWORD), pair.replicaConfigYaml("r1", replPw, "datadir: "
                    + pair.replica().datadir()));
            String section = "state-dir: " + dir.resolve("state") + "\n"
                    + "repository:\n"
                    + "  url: sftp://" + sshd.user() + "@127.0.0.1:" + sshd.port() + dir.resolve("remote-repo") + "\n"
                    + "  sftp: {identity-file: " + sshd.identityFile() + ", known-hosts: " + sshd.knownHosts() + "}\n"
                    + "  chunk-size: 2MiB";
            Files.writeString(config, Files.readString(config).replace("repository: " + dir.resolve("repo"), section));
            Result run = TestSetup.cli("--config", config.toString(), "run");
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals("VERIFIED", TestSetup.newest(config).get("status"));
            pair.primary().execute("INSERT INTO shop.marks VALUES ('after-backup')");
            pair.replica().execute("STOP SLAVE", "INSERT INTO shop.marks VALUES ('replica-only')");

            Result restore = TestSetup.cli("--config", config.toString(), "restore", "--latest", "--replica", "r1");

            assertEquals(0, restore.exitCode(), restore.toString());
            assertEquals(0, SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM shop.marks WHERE name = "
                    + "'replica-only'"), "the drifted write is gone");
            assertEquals("Yes", pair.slaveStatus("Slave_IO_Running"));
            assertEquals("Yes", pair.slaveStatus("Slave_SQL_Running"));
            pair.primary().execute("INSERT INTO shop.marks VALUES ('after-restore')");
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            for (String table : List.of("shop.orders", "shop.marks")) {
                assertEquals(SqlValues.count(pair.primary(), "SELECT COUNT(*) FROM " + table),
                        SqlValues.count(pair.replica(), "SELECT COUNT(*) FROM " + table), "replicating, rows equal: "
                        + table);
            }
        }
    }
}
