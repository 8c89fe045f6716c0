package org.backupscheduler.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real OpenPGP keys made with Debian's {@code gpg} CLI, as an administrator would (docs/encryption.md):
 * {@code gpg --quick-gen-key}, then {@code gpg --export --armor} and {@code --export-secret-keys --armor}.
 * Made once per JVM in a private GNUPGHOME (0700) that also serves the interop tests' {@code gpg
 * --encrypt/--decrypt}; its gpg-agent is stopped and the folder removed when the JVM exits.
 * Secret key files and passphrase files are 0600, as the config requires.
 */
public final class TestKeys {
    /** One key as the config names it: its files and the primary key's fingerprint (40 hex). */
    public record Key(String name, String fingerprint, Path publicKey, Path secretKey, Path passphraseFile) {
    }

    /** What a gpg run printed and returned. */
    public record Gpg(int exitCode, byte[] out, String err) {
    }

    private static TestKeys shared;

    private final Path home;
    private final Path files;
    /** cv25519 encryption subkey under an ed25519 primary (gpg's "future-default"). */
    public final Key alice;
    /** RSA-2048 primary with an RSA-2048 encryption subkey. */
    public final Key bob;
    /** RSA-2048 that can sign but has no encryption subkey. */
    public final Key signOnly;
    /** Made with a faked clock in 2020, valid for one day: expired now. */
    public final Key expired;
    /** Revoked with the revocation certificate gpg wrote when it made the key. */
    public final Key revoked;

    private TestKeys(Path root) throws IOException {
        home = Files.createDirectory(root.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        files = Files.createDirectory(root.resolve("keys"));
        alice = make("alice", "pass-alice", List.of("future-default", "default", "never"), List.of());
        bob = make("bob", "pass-bob", List.of("rsa2048", "sign", "never"), List.of("rsa2048", "encr", "never"));
        signOnly = make("sign-only", "pass-sign", List.of("rsa2048", "sign", "never"), List.of());
        expired = make("expired", "pass-expired", List.of("future-default", "default", "1d"), List.of(),
                "--faked-system-time", "20200101T000000!");
        revoked = make("revoked", "pass-revoked", List.of("future-default", "default", "never"), List.of());
        Path certificate = home.resolve("openpgp-revocs.d").resolve(revoked.fingerprint() + ".rev");
        // gpg prefixes the armour line with ':' so that the certificate is not imported by accident.
        Path unlocked = files.resolve("revoked.rev");
        Files.writeString(unlocked, Files.readString(certificate).replace(":-----BEGIN", "-----BEGIN"));
        check(gpg(null, "--import", unlocked.toString()));
        Files.write(revoked.publicKey(), check(gpg(null, "--export", "--armor", revoked.fingerprint())).out());
    }

    /** The keys of this JVM, made on first use (gpg takes a few seconds). */
    public static synchronized TestKeys shared() throws IOException {
        if (shared == null) {
            Path root = Files.createTempDirectory("bs-testkeys-");
            TestKeys keys = new TestKeys(root);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> keys.remove(root)));
            shared = keys;
        }
        return shared;
    }

    /** The GNUPGHOME that holds every key above, secret parts included. */
    public Path home() {
        return home;
    }

    /** Runs {@code gpg --batch} in this GNUPGHOME with {@code stdin} (may be null) as its input. */
    public Gpg gpg(Path stdin, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
                "--pinentry-mode", "loopback", "--trust-model", "always"));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile(files, "gpg", ".out");
        Path err = Files.createTempFile(files, "gpg", ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile()) : ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile()));
        pb.environment().put("GNUPGHOME", home.toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Gpg result = new Gpg(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** Fails with gpg's own message unless it exited 0. */
    public static Gpg check(Gpg g) throws IOException {
        if (g.exitCode() != 0) {
            throw new IOException("gpg failed (exit " + g.exitCode() + "): " + g.err());
        }
        return g;
    }

    private Key make(String name, String passphrase, List<String> primary, List<String> subkey, String... extra)
            throws IOException {
        Path pass = files.resolve(name + ".pass");
        Files.createFile(pass, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pass, passphrase + "\n");
        String uid = "Backup Test " + name + " <" + name + "@backup-scheduler.test>";
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of("--passphrase-file", pass.toString(), "--quick-gen-key", uid));
        args.addAll(primary);
        check(gpg(null, args.toArray(String[]::new)));
        String fingerprint = fingerprint(uid);
        if (!subkey.isEmpty()) {
            List<String> add = new ArrayList<>(List.of("--passphrase-file", pass.toString(), "--quick-add-key",
                    fingerprint));
            add.addAll(subkey);
            check(gpg(null, add.toArray(String[]::new)));
        }
        Path pub = files.resolve(name + ".pub.asc");
        Files.write(pub, check(gpg(null, "--export", "--armor", fingerprint)).out());
        Path sec = files.resolve(name + ".sec.asc");
        Files.createFile(sec, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(sec, check(gpg(null, "--passphrase-file", pass.toString(), "--export-secret-keys", "--armor",
                fingerprint)).out());
        return new Key(name, fingerprint, pub, sec, pass);
    }

    private String fingerprint(String uid) throws IOException {
        String colons = new String(check(gpg(null, "--with-colons", "--list-keys", "=" + uid)).out(),
                StandardCharsets.UTF_8);
        return colons.lines().filter(l -> l.startsWith("fpr:")).findFirst()
                .map(l -> l.split(":")[9]).orElseThrow(() -> new IOException("no fingerprint for " + uid));
    }

    private void remove(Path root) {
        try {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(10, TimeUnit.SECONDS);
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | InterruptedException e) {
            // best effort at JVM exit: a leftover folder under /tmp holds throw-away test keys only
        }
    }
}
