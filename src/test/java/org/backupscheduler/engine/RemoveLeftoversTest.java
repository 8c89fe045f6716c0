package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command a run over SSH sends first to remove what dead runs left on the database host
 * ({@link SshHost#REMOVE_LEFTOVERS}), run here by a POSIX shell as sshd would, with TMPDIR set
 * to a folder of this test: only our own, old, unused folders go.
 */
class RemoveLeftoversTest {
    @TempDir
    Path tmp;

    @Test
    void removesOnlyOldUnusedEngineFoldersOfOurNaming() throws Exception {
        Path dead = old(Files.createDirectories(tmp.resolve("bs-engine-Ab3dE6gH9j/tmp")).getParent());
        Files.writeString(dead.resolve("client.cnf"), "[client]\npassword=x\n");
        old(dead);
        Path inUse = old(Files.createDirectory(tmp.resolve("bs-engine-KLmn0pQr12")));
        Path young = Files.createDirectory(tmp.resolve("bs-engine-Zz9Yy8Xx7W"));
        Path otherName = old(Files.createDirectory(tmp.resolve("bs-engine-short")));
        Path notOurs = old(Files.createDirectory(tmp.resolve("other-Ab3dE6gH9j")));
        Path link = tmp.resolve("bs-engine-L1nkL1nkL1");
        Files.createSymbolicLink(link, notOurs);
        // A live "engine" naming its folder in --defaults-extra-file (bash -c with two commands stays bash).
        Process engine = new ProcessBuilder("bash", "-c", "sleep 30; true", "engine",
                "--defaults-extra-file=" + inUse + "/client.cnf").start();
        try {
            Thread.sleep(200);
            Process p = removeLeftovers(tmp);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            assertEquals(dead + "\n", out);
        } finally {
            engine.destroy();
            engine.waitFor();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            Set<Path> left = s.collect(Collectors.toSet());
            assertEquals(Set.of(inUse, young, otherName, notOurs, link), left);
        }
        assertTrue(Files.isDirectory(notOurs));
    }

    @Test
    void aTmpdirAPatternWouldMisreadIsLeftAlone() throws Exception {
        Path odd = Files.createDirectory(tmp.resolve("we*ird"));
        Path dead = old(Files.createDirectory(odd.resolve("bs-engine-Ab3dE6gH9j")));
        Process p = removeLeftovers(odd);
        assertEquals(0, p.waitFor());
        assertTrue(Files.isDirectory(dead));
        assertEquals(List.of(), List.of(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .toArray()));
    }

    /** The command in a shell whose TMPDIR is {@code tmpdir}, as the SSH user's login shell runs it. */
    private static Process removeLeftovers(Path tmpdir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", SshHost.REMOVE_LEFTOVERS).redirectErrorStream(true);
        pb.environment().put("TMPDIR", tmpdir.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private static Path old(Path folder) throws Exception {
        Files.setLastModifiedTime(folder, FileTime.from(Instant.now().minusSeconds(120)));
        return folder;
    }
}
