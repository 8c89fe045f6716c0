package org.backupscheduler.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.backupscheduler.testing.OpenSshServer;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.TestSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup repository check} against a local folder, S3Proxy and OpenSSH, as a user runs it. */
class RepositoryCheckIT {
    @TempDir
    static Path tmp;
    static S3ProxyServer s3proxy;
    static OpenSshServer sshd;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps)");
        s3proxy = S3ProxyServer.start(tmp.resolve("s3"), "bucket");
        sshd = OpenSshServer.start(tmp.resolve("sshd"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        if (s3proxy != null) {
            s3proxy.close();
        }
    }

    @Test
    void localFolder() throws IOException {
        TestSetup.Result r = check("local", "repository: " + tmp.resolve("local-repo"));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("repository " + tmp.resolve("local-repo") + "\n"), r::toString);
        assertTrue(r.out().contains("✓ probe object written (64 KiB), read back equal, whole and a range\n"), r::toString);
        assertTrue(r.out().matches("(?s).*✓ free space: \\d+\\.\\d GiB\n"), r::toString);
    }

    @Test
    void s3() throws IOException {
        TestSetup.Result r = check("s3", s3Section(S3ProxyServer.SECRET_KEY, "bucket"));
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(String.join("\n",
                "repository s3://bucket/db1 at " + s3proxy.endpoint() + " (region us-east-1, path-style)",
                "✓ reachable, credentials accepted (listed _probe/)",
                "✓ probe object written (64 KiB), read back equal, whole and a range",
                r.out().lines().toList().get(3),
                "✓ probe object deleted",
                "✓ free space: not reported by this kind of store", ""), r.out());
        assertTrue(r.out().lines().toList().get(3).matches("✓ clock skew against the store: [+-]\\d+\\.\\d s"), r::toString);
        assertFalse(Files.exists(s3proxy.objectFile("bucket", "db1/_probe")) && Files.list(
                s3proxy.objectFile("bucket", "db1/_probe")).findAny().isPresent(), "probe removed");
    }

    @Test
    void wrongS3SecretIsExit2NamingTheKeyFile() throws IOException {
        TestSetup.Result r = check("s3-wrong", s3Section("wrong-secret", "bucket"));
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.out().contains("✗ S3 store s3://bucket/db1 at " + s3proxy.endpoint()
                + " (region us-east-1, path-style) refused our signature: SignatureDoesNotMatch"), r::toString);
        assertTrue(r.out().contains("    HINT: fix the secret in repository.s3.secret-key-file"), r::toString);
        assertFalse(r.out().contains("wrong-secret") || r.err().contains("wrong-secret"), r::toString);
    }

    @Test
    void unknownBucketIsExit2() throws IOException {
        TestSetup.Result r = check("s3-bucket", s3Section(S3ProxyServer.SECRET_KEY, "nope"));
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.out().contains("✗ bucket 'nope' does not exist at " + s3proxy.endpoint()), r::toString);
        assertTrue(r.out().contains("HINT: create the bucket, or fix the bucket name in repository.url"), r::toString);
    }

    @Test
    void storeThatDoesNotAnswerIsExit1() throws IOException {
        String section = s3Section(S3ProxyServer.SECRET_KEY, "bucket").replace(s3proxy.endpoint().toString(),
                "http://127.0.0.1:1");
        TestSetup.Result r = check("s3-down", section);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("✗ S3 store s3://bucket/db1 at http://127.0.0.1:1 (region us-east-1, path-style) "
                + "not reachable"), r::toString);
    }

    @Test
    void secretFileReadableByOthersIsRefused() throws IOException {
        String section = s3Section(S3ProxyServer.SECRET_KEY, "bucket");
        Path secret = tmp.resolve("s3-open/s3.secret");
        TestSetup.Result r0 = check("s3-open", section); // writes the key files
        assertEquals(0, r0.exitCode(), r0::toString);
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        TestSetup.Result r = check("s3-open", section);
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("error: repository.s3.secret-key-file " + secret + " is readable by others"), r::toString);
        assertTrue(r.err().contains("HINT: chmod 600 " + secret), r::toString);
    }

    @Test
    void sftp() throws IOException {
        TestSetup.Result r = check("sftp", sftpSection(sshd.knownHosts()));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("repository sftp://" + sshd.user() + "@127.0.0.1:" + sshd.port()), r::toString);
        assertTrue(r.out().matches("(?s).*✓ free space: \\d+\\.\\d GiB\n"), r::toString);
    }

    @Test
    void unknownHostKeyIsExit2() throws IOException {
        Path empty = tmp.resolve("known_hosts_empty");
        Files.writeString(empty, "");
        TestSetup.Result r = check("sftp-unknown", sftpSection(empty));
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.out().contains("✗ host key of 127.0.0.1:" + sshd.port() + " (SHA256:"), r::toString);
        assertTrue(r.out().contains("HINT: if the server's key is right, add it: ssh-keyscan -p " + sshd.port()), r::toString);
    }

    private String s3Section(String secret, String bucket) {
        return String.join("\n", "repository:", "  url: s3://" + bucket + "/db1",
                "  s3: {endpoint: '" + s3proxy.endpoint() + "', region: us-east-1, path-style: true,",
                "       access-key-file: ACCESS, secret-key-file: SECRET}", "# secret: " + secret);
    }

    private static String sftpSection(Path knownHosts) {
        return String.join("\n", "repository:",
                "  url: sftp://" + sshd.user() + "@127.0.0.1:" + sshd.port() + tmp.resolve("sftp-repo"),
                "  sftp: {identity-file: " + sshd.identityFile() + ", known-hosts: " + knownHosts + "}");
    }

    /** Writes a config (and, for S3, its 0600 key files) under tmp/name and runs the check. */
    private static TestSetup.Result check(String name, String repositoryYaml) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        String yaml = repositoryYaml;
        if (yaml.contains("# secret: ")) {
            String secret = yaml.substring(yaml.indexOf("# secret: ") + 10).strip();
            yaml = yaml.substring(0, yaml.indexOf("# secret: "));
            Path[] keys = keyFiles(dir, secret);
            yaml = yaml.replace("ACCESS", keys[0].toString()).replace("SECRET", keys[1].toString());
        }
        Path config = dir.resolve("backup.yml");
        Files.writeString(config, String.join("\n", "instance: db1", yaml,
                "source: {host: 127.0.0.1, port: 3306, user: backup}", ""));
        return TestSetup.cli("--config", config.toString(), "repository", "check");
    }

    private static Path[] keyFiles(Path dir, String secret) throws IOException {
        Path secretFile = dir.resolve("s3.secret");
        if (Files.exists(secretFile)) { // keep what a test did to it
            return new Path[] {dir.resolve("s3.access"), secretFile};
        }
        return s3proxy.keyFiles(dir, secret);
    }
}
