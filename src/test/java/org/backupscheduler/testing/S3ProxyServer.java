package org.backupscheduler.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.sandbox.S3Proxy;

/**
 * The tests' S3-compatible server: {@link S3Proxy} (the demo's too) run from the tests' own
 * classpath, where S3Proxy 2.6.0 is a test dependency, with a fixed account. Objects are plain
 * files under {@code <dir>/objects/<bucket>/<key>} (so a test can flip a byte in one).
 * {@link #close} stops it by its pid and removes its directory.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret-Key-0123";

    private final Path dir;
    private final S3Proxy server;

    private S3ProxyServer(Path dir, S3Proxy server) {
        this.dir = dir;
        this.server = server;
    }

    /** Starts a server with the given buckets (each a folder under the objects dir). */
    public static S3ProxyServer start(Path dir, String... buckets) throws IOException, InterruptedException {
        return new S3ProxyServer(dir, S3Proxy.start(dir, System.getProperty("java.class.path"),
                new S3Proxy.Keys(ACCESS_KEY, SECRET_KEY), buckets));
    }

    /** Starts the stopped server again on the same port, with the objects it kept: the store is back. */
    public void restart() throws IOException, InterruptedException {
        server.restart();
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public int port() {
        return server.port();
    }

    public long pid() {
        return server.pid();
    }

    /** The file holding {@code bucket}'s object {@code name} (the full key, with the repository's prefix). */
    public Path objectFile(String bucket, String name) {
        return server.objects().resolve(bucket).resolve(name);
    }

    public Path log() {
        return server.log();
    }

    /** Writes 0600 key files for the storage config; the secret given may be a wrong one on purpose. */
    public Path[] keyFiles(Path where, String secret) throws IOException {
        return new S3Proxy.Keys(ACCESS_KEY, secret).writeFiles(where).toArray(Path[]::new);
    }

    /**
     * A repository in this store as config lines, each after {@code indent}: {@code url:} and the
     * {@code s3:} section (path-style, its 0600 key files written into {@code keysDir}).
     */
    public String repositoryYaml(String indent, String url, Path keysDir) throws IOException {
        return repositoryYaml(indent, url, keysDir, SECRET_KEY);
    }

    /** As above with {@code secret} in the secret key file (a wrong one, on purpose). */
    public String repositoryYaml(String indent, String url, Path keysDir, String secret) throws IOException {
        Path[] keys = keyFiles(keysDir, secret);
        return indent + "url: " + url + "\n"
                + indent + "s3: {endpoint: '" + endpoint() + "', region: us-east-1, path-style: true,"
                + " access-key-file: " + keys[0] + ", secret-key-file: " + keys[1] + "}\n";
    }

    /** Stops the server (by its pid), keeping the objects; {@link #close} also removes them. */
    public void stop() {
        server.stop();
    }

    @Override
    public void close() throws IOException {
        stop();
        PathUtils.deleteDirectory(dir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
