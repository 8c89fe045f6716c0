package org.backupscheduler.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.OpenSshServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream path into an SFTP repository ([2.2]) against Debian's OpenSSH on a loopback port:
 * the host key checked against known-hosts, key authentication, the chunks and the manifest in
 * the remote folder, and the backup prepared (VERIFIED) from there; a changed host key refuses.
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
}
