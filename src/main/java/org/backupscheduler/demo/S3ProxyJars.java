package org.backupscheduler.demo;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the demo finds S3Proxy: the jars {@code bin/fetch-s3proxy} copies into
 * {@code target/s3proxy/}, beside the product's jar (and beside {@code target/classes} when run
 * from the build). S3Proxy is never on the product's own classpath; the demo runs it as a child
 * JVM from this folder.
 */
public record S3ProxyJars(Path folder) {
    /** The folder {@code s3proxy/} beside where this class was loaded from. */
    public static S3ProxyJars besideProduct() {
        try {
            Path loadedFrom = Path.of(S3ProxyJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new S3ProxyJars(loadedFrom.toAbsolutePath().getParent().resolve("s3proxy"));
        } catch (URISyntaxException | RuntimeException e) {
            return new S3ProxyJars(Path.of("target", "s3proxy").toAbsolutePath());
        }
    }

    /** Why S3Proxy cannot run from the folder, or empty when its jar is there. */
    public Optional<String> whyNot() {
        if (!Files.isDirectory(folder)) {
            return Optional.of("no " + folder);
        }
        try (var jars = Files.list(folder)) {
            return jars.anyMatch(j -> j.getFileName().toString().matches("s3proxy-.*\\.jar"))
                    ? Optional.empty() : Optional.of("no s3proxy jar in " + folder);
        } catch (IOException e) {
            return Optional.of(folder + " unreadable: " + e.getMessage());
        }
    }

    /** A {@code java -cp} value: every jar in the folder. */
    public String classpath() {
        return folder + "/*";
    }
}
