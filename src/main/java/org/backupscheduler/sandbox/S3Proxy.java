package org.backupscheduler.sandbox;

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

import org.backupscheduler.engine.ProcessRunner;
import org.backupscheduler.storage.PrivateFiles;

/**
 * A throw-away S3-compatible server, for the tests and the demo: S3Proxy as a child JVM (through
 * {@link ProcessRunner}) on a free loopback port, jclouds' filesystem provider keeping objects as
 * plain files under {@code <dir>/objects/<bucket>/<key>}. Its classpath comes from the caller
 * (the tests' own, or the demo's fetched jars): S3Proxy is never on the product's classpath. The
 * secret is in a 0600 properties file, never in argv. Stopped by its pid.
 */
public final class S3Proxy implements AutoCloseable {
    /** A throw-away server lives at most this long, even when its caller dies without stopping it. */
    private static final Duration LIFETIME = Duration.ofHours(4);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final String PROPERTIES = "s3proxy.properties";

    /** The server's one account; {@code toString} never shows the secret. */
    public record Keys(String access, String secret) {
        /** Writes {@code s3.access} and {@code s3.secret} (0600) under {@code where}, for a repository's config. */
        public List<Path> writeFiles(Path where) throws IOException {
            Path accessFile = where.resolve("s3.access");
            Path secretFile = where.resolve("s3.secret");
            for (Path f : List.of(accessFile, secretFile)) {
                Files.deleteIfExists(f);
                PrivateFiles.createFile(f);
            }
            Files.writeString(accessFile, access + "\n");
            Files.writeString(secretFile, secret + "\n");
            return List.of(accessFile, secretFile);
        }

        @Override
        public String toString() {
            return "Keys[access=" + access + ", secret=(hidden)]";
        }
    }

    private final Path dir;
    private final String classpath;
    private final int port;
    private ProcessRunner process;

    private S3Proxy(Path dir, String classpath, int port) {
        this.dir = dir;
        this.classpath = classpath;
        this.port = port;
    }

    /**
     * Starts a server under {@code dir} (0700, made here) with the given buckets, running S3Proxy
     * from {@code classpath} (a {@code java -cp} value: paths, or a folder of jars as {@code dir/*}).
     */
    public static S3Proxy start(Path dir, String classpath, Keys keys, String... buckets)
            throws IOException, InterruptedException {
        PrivateFiles.createDir(dir);
        Path objects = dir.resolve("objects");
        PrivateFiles.createDir(objects);
        for (String bucket : buckets) {
            PrivateFiles.createDir(objects.resolve(bucket));
        }
        S3Proxy server = new S3Proxy(dir, classpath, freePort());
        Path properties = dir.resolve(PROPERTIES);
        PrivateFiles.createFile(properties);
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + server.endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + keys.access(),
                "s3proxy.credential=" + keys.secret(),
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + objects,
                ""));
        server.launch();
        return server;
    }

    /** Starts the stopped server again on the same port, with the objects it kept: the store is back. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessRunner(List.of(java, "-Xmx256m", "-cp", classpath, "org.gaul.s3proxy.Main",
                "--properties", dir.resolve(PROPERTIES).toString()), log(), LIFETIME);
        process.start();
        awaitListening();
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

    /** Where the bucket folders lie: object {@code KEY} of bucket {@code B} is the file {@code objects/B/KEY}. */
    public Path objects() {
        return dir.resolve("objects");
    }

    public Path log() {
        return dir.resolve("s3proxy.log");
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the server by its pid (SIGTERM, then its tree ended after 10 s), keeping the objects. */
    public void stop() {
        process.stop(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy ended at start (exit " + process.exitValue() + "): "
                        + ProcessRunner.tail(log(), 12));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        stop();
        throw new IOException("S3Proxy did not listen on 127.0.0.1:" + port + " within " + START_LIMIT + ": "
                + ProcessRunner.tail(log(), 12));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
