package org.backupscheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.backupscheduler.sandbox.BackupAccount;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestCertificates;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.backupscheduler.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls:} against a server with a self-signed CA and {@code require_secure_transport=ON}:
 * a plain TCP login is refused there, so every backup that succeeds went over TLS — both our
 * connection and the engine's.
 */
class TlsIT {
    private static final String X509_USER = "backupx";

    @TempDir
    static Path pki;
    @TempDir
    Path dir;
    private static TestCertificates certs;
    private static SandboxServer server;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.make(pki);
        server = SandboxServer.start(SandboxOptions.primary("tls").withTls(certs.sandbox()));
        TestSetup.createBackupUser(server);
        // An account that must also show a client certificate signed by the server's CA.
        BackupAccount.create(server, X509_USER, TestSetup.BACKUP_PASSWORD);
        server.execute("ALTER USER '" + X509_USER + "'@'127.0.0.1' REQUIRE X509",
                "ALTER USER '" + X509_USER + "'@'localhost' REQUIRE X509");
        Workload.load(server, 2_000);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A config backing up the TLS server as {@code user}, with {@code tls} as source.tls. */
    private Path config(String user, String tls) throws IOException {
        Path pw = dir.resolve("pw");
        if (!Files.exists(pw)) {
            TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD);
        }
        String yaml = server.sourceConfigYaml("tls", dir.resolve("repo"), user, pw)
                .replace("engine:\n", "  tls: " + tls + "\nengine:\n");
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Result run(Path config) {
        return TestSetup.cli("--config", config.toString(), "run");
    }

    private static void assertVerifiedBackup(Path config, Result run) throws IOException {
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("VERIFIED", TestSetup.newest(config).get("status"));
    }

    @Test
    void thisServerRefusesPlainLogins() throws IOException {
        // What makes the other tests mean something: without TLS, nothing gets in.
        Result run = run(config(TestSetup.BACKUP_USER, "{mode: disabled}"));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("cannot connect to source 127.0.0.1:" + server.port()), run.err());
        // No engine ran, so the HINT does not send the user to an engine log that was never written.
        assertTrue(run.err().contains("HINT: no engine ran; check source:"), run.err());
        assertTrue(!run.err().contains("backup.log"), run.err());
    }

    @Test
    void requiredConnectsAndABackupRuns() throws IOException {
        Path config = config(TestSetup.BACKUP_USER, "{mode: required}");
        assertVerifiedBackup(config, run(config));
    }

    @Test
    void verifyIdentityWithTheServersCaBacksUp() throws IOException {
        // 127.0.0.1 is in the certificate's subjectAltName; the engine gets ssl-ca and ssl-verify-server-cert.
        Path config = config(TestSetup.BACKUP_USER, "{mode: verify-identity, ca-file: " + certs.ca() + "}");
        assertVerifiedBackup(config, run(config));
    }

    @Test
    void verifyCaWithAWrongCaIsAConfigErrorNamingTheCa() throws IOException {
        Result run = run(config(TestSetup.BACKUP_USER, "{mode: verify-ca, ca-file: " + certs.otherCa() + "}"));

        assertEquals(2, run.exitCode(), run.toString());
        String[] lines = run.err().strip().split("\n");
        assertEquals(2, lines.length, run.err());
        assertTrue(lines[0].startsWith("error: TLS with backup@127.0.0.1:" + server.port() + " failed: its certificate "
                + "is not signed by the CA in " + certs.otherCa() + " (tls.mode verify-ca): "), lines[0]);
        assertTrue(lines[1].startsWith("HINT: set tls.ca-file to the CA that signed the server's certificate"),
                lines[1]);
    }

    @Test
    void aClientCertificateLogsInAnAccountThatRequiresOne() throws IOException {
        Result without = run(config(X509_USER, "{mode: required}"));
        assertEquals(1, without.exitCode(), "REQUIRE X509 refuses a login without a certificate: " + without);

        Path config = config(X509_USER, "{mode: verify-ca, ca-file: " + certs.ca() + ", cert-file: "
                + certs.clientCert() + ", key-file: " + certs.clientKey() + "}");
        assertVerifiedBackup(config, run(config));
    }

    @Test
    void aServerCatalogUsesCatalogTls() throws Exception {
        server.execute("CREATE DATABASE IF NOT EXISTS bs_catalog",
                "CREATE USER IF NOT EXISTS 'catalog'@'127.0.0.1' IDENTIFIED BY 'cat-pw'",
                "GRANT ALL ON bs_catalog.* TO 'catalog'@'127.0.0.1'");
        Path catalogPw = TestSetup.passwordFile(dir, "catalog.pw", "cat-pw");
        Path config = config(TestSetup.BACKUP_USER, "{mode: required}");
        String head = Files.readString(config);
        String catalog = "catalog:\n  url: jdbc:mysql://127.0.0.1:" + server.port() + "/bs_catalog\n  user: catalog\n"
                + "  password-file: " + catalogPw + "\n  tls: {mode: verify-ca, ca-file: ";

        Files.writeString(config, head + catalog + certs.otherCa() + "}\n");
        Result wrong = TestSetup.cli("--config", config.toString(), "list");
        assertEquals(1, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.err().contains("catalog jdbc:mysql://127.0.0.1:" + server.port() + "/bs_catalog cannot be "
                + "opened"), wrong.err());

        Files.writeString(config, head + catalog + certs.ca() + "}\n");
        Result right = TestSetup.cli("--config", config.toString(), "list");
        assertEquals(0, right.exitCode(), right.toString());
    }
}
