package org.backupscheduler.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the demo finds S3Proxy, and why it says it cannot (it then skips its step 11). */
class S3ProxyJarsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFolderOrAFolderWithoutS3ProxysJarIsNamed() throws Exception {
        Path folder = dir.resolve("s3proxy");
        assertEquals(Optional.of("no " + folder), new S3ProxyJars(folder).whyNot());
        Files.createDirectory(folder);
        Files.createFile(folder.resolve("jclouds-core-2.7.0.jar"));
        assertEquals(Optional.of("no s3proxy jar in " + folder), new S3ProxyJars(folder).whyNot());
        Files.createFile(folder.resolve("s3proxy-2.6.0.jar"));
        assertEquals(Optional.empty(), new S3ProxyJars(folder).whyNot());
        assertEquals(folder + "/*", new S3ProxyJars(folder).classpath());
    }

    @Test
    void theDefaultFolderIsBesideTheProduct() {
        // From the build, classes are in target/classes (or the jar in target/): bin/fetch-s3proxy fills target/s3proxy.
        assertEquals(Path.of("target", "s3proxy").toAbsolutePath(), S3ProxyJars.besideProduct().folder());
    }

    @Test
    void theDemoRunsTheS3ProxyVersionTheTestsRun() throws Exception {
        assertEquals(s3proxyVersion(Path.of("pom.xml")), s3proxyVersion(Path.of("bin/s3proxy.pom.xml")));
    }

    private static String s3proxyVersion(Path pom) throws Exception {
        Matcher m = Pattern.compile("<s3proxy\\.version>([^<]+)</s3proxy\\.version>").matcher(Files.readString(pom));
        return m.find() ? m.group(1) : "none in " + pom;
    }
}
