package org.backupscheduler.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.storage.PrivateFiles;

/**
 * Debian's OpenSSH server ({@code apt-get install openssh-server}; bin/install-deps) started by
 * the test in the foreground on a free loopback port, with everything of its own in a 0700 temp
 * folder: sshd_config, host key, authorized_keys, pid file, and the client's key and known_hosts
 * that {@code SftpStorage} uses. SFTP is OpenSSH's internal-sftp. Stopped by its pid.
 */
public final class OpenSshServer implements AutoCloseable {
    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    /**
     * Ed25519, OpenSSH's default and DESIGN.md's example: MINA reads it through Bouncy Castle
     * (on the classpath for crypto/); without it MINA loads no Ed25519 key at all (measured).
     */
    static final String KEY_TYPE = "ed25519";

    private final Path dir;
    private final int port;
    private final Process process;

    private OpenSshServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static boolean installed() {
        return Files.isExecutable(SSHD);
    }

    public static OpenSshServer start(Path dir) throws IOException, InterruptedException {
        PrivateFiles.createDir(dir);
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("id_client"));
        Files.copy(dir.resolve("id_client.pub"), dir.resolve("authorized_keys"));
        Path runDir = Path.of("/run/sshd"); // privilege separation folder sshd insists on
        if (!Files.isDirectory(runDir)) {
            Files.createDirectories(runDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        int port = S3ProxyServer.freePort();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE",
                ""));
        ProcessBuilder pb = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile());
        OpenSshServer server = new OpenSshServer(dir, port, pb.start());
        server.awaitListening(Duration.ofSeconds(20));
        server.writeKnownHosts(server.knownHosts(), server.hostPublicKey());
        return server;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** The user the tests log in as: the one running them (root here). */
    public String user() {
        return System.getProperty("user.name");
    }

    public Path identityFile() {
        return dir.resolve("id_client");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** The host key line ("ecdsa-sha2-nistp256 AAAA..."). */
    public String hostPublicKey() throws IOException {
        return Files.readString(dir.resolve("host_key.pub")).strip();
    }

    /** Writes a known_hosts file that names this server with {@code publicKeyLine}. */
    public void writeKnownHosts(Path file, String publicKeyLine) throws IOException {
        Files.writeString(file, "[127.0.0.1]:" + port + " " + publicKeyLine + "\n");
    }

    /** A fresh key pair's public line: the "changed host key" a known_hosts entry can be made to expect. */
    public String otherPublicKey() throws IOException, InterruptedException {
        Path other = dir.resolve("other_key");
        if (!Files.exists(other)) {
            keygen(other);
        }
        return Files.readString(dir.resolve("other_key.pub")).strip();
    }

    /**
     * Ends every client connection (the per-connection processes under the listener), as a
     * restarted server or a cut network does; the listener keeps accepting new ones.
     */
    public void dropConnections() throws InterruptedException {
        List<ProcessHandle> sessions = process.toHandle().descendants().toList();
        sessions.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : sessions) {
            h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join();
        }
    }

    public Path log() {
        return dir.resolve("sshd.log");
    }

    public void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
        PathUtils.deleteDirectory(dir);
    }

    private static void keygen(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("ssh-keygen", "-q", "-t", KEY_TYPE, "-N", "", "-C", "test",
                "-f", file.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ssh-keygen failed for " + file + ": " + out);
        }
    }

    private void awaitListening(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("sshd ended at start (exit " + process.exitValue() + "): " + Files.readString(log()));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        stop();
        throw new IOException("sshd did not listen on 127.0.0.1:" + port + " within " + limit + ": "
                + Files.readString(log()));
    }
}
