package org.backupscheduler.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/install-deps} installs what the command at hand needs: on a PATH holding only the
 * demo's tools (no browser), {@code demo} finds nothing missing and installs nothing.
 */
class InstallDepsTest {
    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private Run installDeps(String target, String... tools) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : tools) {
            Path stub = bin.resolve(tool);
            Files.writeString(stub, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", Path.of("bin/install-deps").toAbsolutePath().toString(),
                target).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString()); // no apt-get here: nothing can be installed by accident
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    @Test
    void theDemoNeedsNoBrowser() throws Exception {
        Run r = installDeps("demo", "mariadbd", "mariadb", "mariadb-backup", "zstd", "mvn");
        assertEquals(new Run(0, ""), r);
    }

    @Test
    void anUnknownTargetIsAUsageError() throws Exception {
        Run r = installDeps("everything");
        assertEquals(2, r.exit());
        assertEquals(List.of("error: unknown target 'everything' for bin/install-deps",
                "HINT: bin/install-deps demo|bench|test"), r.output().lines().toList());
    }
}
