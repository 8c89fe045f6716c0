package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.testing.TestCertificates;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tls:} section that cannot work stops the command before anything connects: one line
 * naming the key and the file, a HINT, exit 2, nothing created.
 */
class TlsConfigErrorsTest {
    @TempDir
    static Path pki;
    @TempDir
    Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws IOException {
        certs = TestCertificates.make(pki);
    }

    private Path config(String sourceTls, String extra) throws IOException {
        Path pw = dir.resolve("pw");
        if (!Files.exists(pw)) {
            TestSetup.passwordFile(dir, "pw", "secret");
        }
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n",
                "instance: db1",
                "repository: " + dir.resolve("repo"),
                "source:",
                "  host: 127.0.0.1",
                "  port: 1",
                "  user: backup",
                "  password-file: " + pw,
                sourceTls == null ? "" : "  tls: " + sourceTls,
                extra == null ? "" : extra,
                ""));
        return file;
    }

    private Result run(Path config) {
        return TestSetup.cli("--config", config.toString(), "run");
    }

    private String[] assertUsageError(Result r, String... mustMention) {
        assertEquals(2, r.exitCode(), r.toString());
        String[] lines = r.err().strip().split("\n");
        assertEquals(2, lines.length, "one error line and one HINT line:\n" + r.err());
        assertTrue(lines[0].startsWith("error: "), r.err());
        assertTrue(lines[1].startsWith("HINT: "), r.err());
        for (String s : mustMention) {
            assertTrue(lines[0].contains(s), "error line should mention '" + s + "': " + lines[0]);
        }
        assertFalse(Files.exists(dir.resolve("repo")), "a refused config must change nothing");
        return lines;
    }

    @Test
    void aGoodSectionIsAccepted() throws IOException {
        Path config = config("{mode: verify-identity, ca-file: " + certs.ca() + ", cert-file: " + certs.clientCert()
                + ", key-file: " + certs.clientKey() + "}", null);
        BackupConfig c = ConfigLoader.load(config);
        assertEquals(TlsConfig.Mode.VERIFY_IDENTITY, c.source().tls().mode());
        assertEquals(TlsConfig.Mode.PREFERRED, c.catalog().tls().mode(), "the default");
    }

    @Test
    void verifyCaNeedsACaFile() throws IOException {
        String[] lines = assertUsageError(run(config("{mode: verify-ca}", null)),
                "source.tls.mode verify-ca needs source.tls.ca-file");
        assertTrue(lines[1].contains("mode: required"), lines[1]);
    }

    @Test
    void aCaFileThatIsNotUsedIsRefused() throws IOException {
        assertUsageError(run(config("{mode: required, ca-file: " + certs.ca() + "}", null)),
                "source.tls.ca-file is set but source.tls.mode required does not check");
    }

    @Test
    void aMissingCaFileIsNamed() throws IOException {
        Path missing = dir.resolve("nope.pem");
        assertUsageError(run(config("{mode: verify-ca, ca-file: " + missing + "}", null)),
                "source.tls.ca-file " + missing + " does not exist");
    }

    @Test
    void aCaFileWithoutACertificateIsNamed() throws IOException {
        assertUsageError(run(config("{mode: verify-ca, ca-file: " + certs.clientKey() + "}", null)),
                "source.tls.ca-file " + certs.clientKey() + " holds no readable PEM certificate");
    }

    @Test
    void aBadModeListsTheModes() throws IOException {
        assertUsageError(run(config("{mode: verify}", null)), "source.tls.mode",
                "disabled, preferred, required, verify-ca, verify-identity");
    }

    @Test
    void aCertificateNeedsItsKey() throws IOException {
        assertUsageError(run(config("{mode: required, cert-file: " + certs.clientCert() + "}", null)),
                "source.tls.cert-file is set without source.tls.key-file");
    }

    @Test
    void aKeyOthersCanReadIsRefusedForThePrimaryToo() throws IOException {
        Path key = dir.resolve("open.key");
        Files.copy(certs.clientKey(), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        String replica = String.join("\n", "replicas:", "  r1:", "    host: 127.0.0.1", "    user: admin",
                "    primary: {host: 127.0.0.1, user: repl, tls: {mode: required, cert-file: " + certs.clientCert()
                        + ", key-file: " + key + "}}");

        String[] lines = assertUsageError(run(config(null, replica)),
                "replicas.r1.primary.tls.key-file " + key + " is readable by others (mode rw-r--r--)");
        assertEquals("HINT: chmod 600 " + key, lines[1]);
    }

    @Test
    void aPkcs1KeySaysHowToConvertIt() throws Exception {
        Path key = dir.resolve("rsa.key");
        Process p = new ProcessBuilder("openssl", "rsa", "-in", certs.clientKey().toString(), "-traditional", "-out",
                key.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl rsa -traditional");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        String[] lines = assertUsageError(run(config("{mode: required, cert-file: " + certs.clientCert()
                + ", key-file: " + key + "}", null)), "source.tls.key-file " + key + " is a 'RSA PRIVATE KEY'");
        assertTrue(lines[1].contains("openssl pkcs8 -topk8 -nocrypt -in " + key), lines[1]);
    }

    @Test
    void catalogTlsOnAnH2FileIsRefused() throws IOException {
        assertUsageError(run(config(null, "catalog:\n  tls: {mode: required}")),
                "catalog.tls is set but the catalog is an H2 file");
    }
}
