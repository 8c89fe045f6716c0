package org.backupscheduler.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import org.backupscheduler.sandbox.S3Proxy;

/**
 * The demo's S3-compatible store: S3Proxy started from the fetched jars under the lab's
 * directory, a random account whose keys go to 0600 files (never argv), one bucket, and a config
 * backing the primary up into it. Closing it stops S3Proxy by its pid; its objects go with the
 * lab's directory.
 */
public final class DemoStore implements AutoCloseable {
    public static final String BUCKET = "backups";

    private final S3Proxy server;
    private final Path config;

    private DemoStore(S3Proxy server, Path config) {
        this.server = server;
        this.config = config;
    }

    public static DemoStore start(DemoLab lab, S3ProxyJars jars) throws IOException, InterruptedException {
        HexFormat hex = HexFormat.of();
        SecureRandom random = new SecureRandom();
        S3Proxy.Keys keys = new S3Proxy.Keys("demo-" + hex.formatHex(random.generateSeed(4)),
                hex.formatHex(random.generateSeed(16)));
        S3Proxy server = S3Proxy.start(lab.home().resolve("s3"), jars.classpath(), keys, BUCKET);
        try {
            Path config = lab.writeOffHostConfig(server.endpoint(), BUCKET, keys.writeFiles(lab.home()));
            return new DemoStore(server, config);
        } catch (IOException | RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    public S3Proxy server() {
        return server;
    }

    /** The config whose repository is {@code s3://backups/offsite} on this store. */
    public Path config() {
        return config;
    }

    /** The folder of one backup in the bucket (S3Proxy's filesystem backend keeps each object as a file). */
    public Path backupInBucket(String instance, String id) {
        return server.objects().resolve(BUCKET).resolve("offsite").resolve(instance).resolve(id);
    }

    /** One object as the store wrote it. */
    public record Written(String key, long size, FileTime at) {
    }

    /** Every object of one backup, oldest write first: the chunks, the small files, the manifest. */
    public List<Written> writeOrder(String instance, String id) throws IOException {
        Path root = server.objects().resolve(BUCKET);
        List<Written> objects = new ArrayList<>();
        try (var files = Files.walk(backupInBucket(instance, id))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                objects.add(new Written(root.relativize(f).toString(), Files.size(f), Files.getLastModifiedTime(f)));
            }
        }
        objects.sort(Comparator.comparing(Written::at).thenComparing(Written::key));
        return objects;
    }

    @Override
    public void close() {
        server.stop();
    }
}
