package org.backupscheduler.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.storage.PrivateFiles;

/**
 * An S3-compatible server of our own: S3Proxy 2.6.0 (test dependency) as a child JVM on a free
 * loopback port, jclouds' filesystem provider keeping objects as plain files under
 * {@code <dir>/objects/<bucket>/<key>} (so a test can flip a byte in one). The secret is in a
 * 0600 properties file, never in argv. Stopped by its pid in {@link #close}.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret-Key-0123";

    private final Path dir;
    private final int port;
    private Process process;

    private S3ProxyServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts a server with the given buckets (each a folder under the objects dir). */
    public static S3ProxyServer start(Path dir, String... buckets) throws IOException, InterruptedException {
        PrivateFiles.createDir(dir);
        Path objects = dir.resolve("objects");
        PrivateFiles.createDir(objects);
        for (String bucket : buckets) {
            PrivateFiles.createDir(objects.resolve(bucket));
        }
        int port = freePort();
        Path properties = dir.resolve(PROPERTIES);
        PrivateFiles.createFile(properties);
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + objects,
                ""));
        S3ProxyServer server = new S3ProxyServer(dir, port, launch(dir));
        server.awaitListening(Duration.ofSeconds(60));
        return server;
    }

    private static final String PROPERTIES = "s3proxy.properties";

    private static Process launch(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.gaul.s3proxy.Main", "--properties", dir.resolve(PROPERTIES).toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
        return pb.start();
    }

    /** Starts the stopped server again on the same port, with the objects it kept: the store is back. */
    public void restart() throws IOException, InterruptedException {
        stop();
        process = launch(dir);
        awaitListening(Duration.ofSeconds(60));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** The file holding {@code bucket}'s object {@code name} (the full key, with the repository's prefix). */
    public Path objectFile(String bucket, String name) {
        return dir.resolve("objects").resolve(bucket).resolve(name);
    }

    public Path log() {
        return dir.resolve("s3proxy.log");
    }

    /** Writes 0600 key files for the storage config; the secret given may be a wrong one on purpose. */
    public Path[] keyFiles(Path where, String secret) throws IOException {
        Path access = where.resolve("s3.access");
        Path sec = where.resolve("s3.secret");
        for (Path f : List.of(access, sec)) {
            Files.deleteIfExists(f);
            PrivateFiles.createFile(f);
        }
        Files.writeString(access, ACCESS_KEY + "\n");
        Files.writeString(sec, secret + "\n");
        return new Path[] {access, sec};
    }

    /** Stops the server (by its pid), keeping the objects; {@link #close} also removes them. */
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

    private void awaitListening(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy ended at start (exit " + process.exitValue() + "): "
                        + Files.readString(log()));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        stop();
        throw new IOException("S3Proxy did not listen on 127.0.0.1:" + port + " within " + limit + ": "
                + Files.readString(log()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
