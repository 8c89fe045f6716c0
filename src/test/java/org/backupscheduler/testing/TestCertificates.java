package org.backupscheduler.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.sandbox.SandboxTls;

/**
 * A throw-away PKI made with the openssl CLI, as an administrator would: a CA, a server
 * certificate for 127.0.0.1 and localhost signed by it, a client certificate signed by it, and
 * a second CA that signed nothing here (the "wrong CA"). Keys are unencrypted PKCS#8, mode 0600.
 */
public record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
                               Path otherCa) {

    public static TestCertificates make(Path dir) throws IOException {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        selfSigned(dir, "ca", "backup-scheduler test CA");
        selfSigned(dir, "other-ca", "some other CA");
        signed(dir, "server", "127.0.0.1", "server.ext");
        signed(dir, "client", "backup", "client.ext");
        for (String key : new String[] {"ca.key", "other-ca.key", "server.key", "client.key"}) {
            Files.setPosixFilePermissions(dir.resolve(key), PosixFilePermissions.fromString("rw-------"));
        }
        return new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"),
                dir.resolve("client.pem"), dir.resolve("client.key"), dir.resolve("other-ca.pem"));
    }

    /** The server side, for a sandbox that then refuses plain TCP logins. */
    public SandboxTls sandbox() {
        return new SandboxTls(ca, serverCert, serverKey);
    }

    private static void selfSigned(Path dir, String name, String subject) throws IOException {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".pem",
                "-days", "2", "-subj", "/CN=" + subject);
    }

    private static void signed(Path dir, String name, String subject, String extensions) throws IOException {
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + subject);
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", extensions);
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
