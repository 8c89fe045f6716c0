package org.backupscheduler.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.SqlValues;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.TestKeys;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [2.3] "the documented gpg | zstd | mbstream commands give a datadir that a sandbox server
 * starts on": a real backup (zstd, encrypted to alice, in S3Proxy) of a real primary, then,
 * without this tool, docs/encryption.md's disaster commands run verbatim on the bucket's
 * objects, {@code mariabackup --prepare}, and a throw-away server on the result holds the rows.
 * Also: {@code verify --latest} on the backup host (no secret key) says why it stays COMPLETED.
 */
class EncryptedDisasterIT {
    private static final String BUCKET = "disaster";
    private static final int ROWS = 50_000;

    @TempDir
    Path dir;

    @Test
    void theDocumentedCommandsGiveADatadirAServerStartsOnWithTheRows() throws Exception {
        TestKeys keys = TestKeys.shared();
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), BUCKET);
             SandboxServer primary = SandboxServer.start(SandboxOptions.primary("dis"))) {
            TestSetup.createBackupUser(primary);
            primary.execute("CREATE DATABASE drill",
                    "CREATE TABLE drill.marker (id INT PRIMARY KEY, v VARCHAR(64), pad CHAR(128)) ENGINE=InnoDB",
                    // SHA-2 hex pads the table past a few zstd-compressed MiB: several chunks, in order.
                    "INSERT INTO drill.marker SELECT seq, CONCAT('marker-', seq), SHA2(seq, 512) FROM drill.seq_1_to_"
                            + ROWS);
            Path config = config(s3, primary, keys);
            Result run = TestSetup.cli("--config", config.toString(), "run");
            assertEquals(0, run.exitCode(), run.toString());
            Map<String, Object> b = TestSetup.newest(config);
            assertEquals("COMPLETED", b.get("status"), b.toString());

            // The backup host has only the public key: verify says why the backup stays COMPLETED.
            Result verify = TestSetup.cli("--config", config.toString(), "verify", "--latest");
            assertEquals(0, verify.exitCode(), verify.toString());
            String said = verify.out() + verify.err();
            assertTrue(said.contains(keys.alice.fingerprint()) && said.contains("secret-key-file")
                    && said.contains("VERIFIED needs"), "says why it stays COMPLETED: " + verify);
            assertEquals("COMPLETED", TestSetup.newest(config).get("status"));

            // Disaster: the bucket's objects, alice's secret key, gpg/zstd/mbstream, no tool.
            Path work = Files.createDirectories(dir.resolve("work"));
            Path objects = s3.objectFile(BUCKET, "fleet/" + b.get("instance") + "/" + b.get("id"));
            try (var chunks = Files.list(objects.resolve("chunks"))) {
                assertTrue(chunks.count() > 1, "several chunks, so their order matters");
            }
            copyTree(objects, work.resolve("backup"));
            Files.copy(keys.alice.secretKey(), work.resolve("backup-key.sec.asc"));
            Path gnupg = Files.createDirectory(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.writeString(gnupg.resolve("gpg.conf"), "batch\npinentry-mode loopback\npassphrase-file "
                    + keys.alice.passphraseFile() + "\n");
            try {
                Path script = Files.writeString(dir.resolve("disaster.sh"), OpenPgpDisasterTest.documentedCommands());
                assertEquals(0, sh(work, gnupg, dir.resolve("disaster.log"), "bash", script.toString()),
                        Files.readString(dir.resolve("disaster.log")));
            } finally {
                new ProcessBuilder("gpgconf", "--homedir", gnupg.toString(), "--kill", "gpg-agent")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        .waitFor(10, TimeUnit.SECONDS);
            }
            Path restored = work.resolve("restored");
            assertEquals(0, sh(work, gnupg, dir.resolve("prepare.log"), "mariabackup", "--prepare",
                    "--target-dir=" + restored), Files.readString(dir.resolve("prepare.log")));

            try (SandboxServer drill = SandboxServer.onDatadir(SandboxOptions.primary("disd"), restored)) {
                assertEquals(ROWS, SqlValues.count(drill, "SELECT COUNT(*) FROM drill.marker"));
                assertEquals(1, SqlValues.count(drill, "SELECT COUNT(*) FROM drill.marker WHERE id = " + ROWS
                        + " AND v = 'marker-" + ROWS + "' AND pad = SHA2(" + ROWS + ", 512)"));
            }

            Result show = TestSetup.cli("--config", config.toString(), "show", (String) b.get("id"));
            assertEquals(0, show.exitCode(), show.toString());
            assertTrue(show.out().contains("VERIFIED needs") && show.out().contains(keys.alice.fingerprint()),
                    "show says it too: " + show);
        }
    }

    private Path config(S3ProxyServer s3, SandboxServer primary, TestKeys keys) throws IOException {
        Path config = TestSetup.config(dir, primary, TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD), "");
        String yaml = Files.readString(config)
                .replace("repository: " + dir.resolve("repo"), "state-dir: " + dir.resolve("state") + "\n"
                        + "repository:\n"
                        + s3.repositoryYaml("  ", "s3://" + BUCKET + "/fleet", dir)
                        + "  chunk-size: 1MiB")
                .replace("  parallel: 2\n", "  parallel: 2\n  compress: zstd\n")
                + "encryption:\n  recipients: [" + keys.alice.publicKey() + "]\n";
        Files.writeString(config, yaml);
        return config;
    }

    private static int sh(Path cwd, Path gnupg, Path log, String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(argv)).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GNUPGHOME", gnupg.toString());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish in 300 s");
        }
        return p.exitValue();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
