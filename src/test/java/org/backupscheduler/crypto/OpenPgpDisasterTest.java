package org.backupscheduler.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.storage.Chunk;
import org.backupscheduler.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/encryption.md's disaster commands, run exactly as written (the shell block after the
 * {@code disaster-commands} marker) by a DBA's own gpg in an empty keyring, on objects in the
 * repository's shape: an mbstream stream, compressed with zstd, cut into chunks, each chunk one
 * OpenPGP message from our Encryptor, plus manifest.json.pgp. The files come back byte for
 * byte; one flipped byte in one chunk makes the commands fail.
 */
class OpenPgpDisasterTest {
    private static final String MARKER = "disaster-marker-0b5e-row-data";

    @TempDir
    Path dir;
    private Path gnupg;
    private Map<String, byte[]> files;

    @BeforeEach
    void repository() throws IOException, InterruptedException {
        TestKeys keys = TestKeys.shared();
        Path datadir = Files.createDirectories(dir.resolve("datadir/db1"));
        files = Map.of("ibdata1", OpenPgpInteropTest.data(1024 * 1024),
                "db1/t1.ibd", (new String(OpenPgpInteropTest.data(700_000), StandardCharsets.ISO_8859_1) + MARKER)
                        .getBytes(StandardCharsets.ISO_8859_1),
                "xtrabackup_checkpoints", "backup_type = full-backuped\nfrom_lsn = 0\n".getBytes(StandardCharsets.UTF_8));
        for (var f : files.entrySet()) {
            Files.write(datadir.getParent().resolve(f.getKey()), f.getValue());
        }
        List<String> create = new ArrayList<>(List.of("mbstream", "-c", "-C", datadir.getParent().toString()));
        create.addAll(files.keySet());
        run(create, dir.resolve("stream"));
        run(List.of("zstd", "-q", "-c", dir.resolve("stream").toString()), dir.resolve("stream.zst"));

        Encryptor encryptor = new Encryptor(Recipients.load(List.of(keys.alice.publicKey())));
        Path work = Files.createDirectories(dir.resolve("work/backup/chunks")).getParent().getParent();
        byte[] compressed = Files.readAllBytes(dir.resolve("stream.zst"));
        int chunkSize = 256 * 1024;
        for (int i = 0, off = 0; off < compressed.length; i++, off += chunkSize) {
            // The repository's own chunk names (chunks/00000000, ...), so the documented glob is tested on them.
            Path chunk = work.resolve(Chunk.keyOf("backup", i));
            try (OutputStream out = encryptor.encrypt(Files.newOutputStream(chunk))) {
                out.write(compressed, off, Math.min(chunkSize, compressed.length - off));
            }
        }
        try (OutputStream out = encryptor.encrypt(Files.newOutputStream(dir.resolve("work/backup/manifest.json.pgp")))) {
            out.write("{\"files\":[\"ibdata1\",\"db1/t1.ibd\"]}".getBytes(StandardCharsets.UTF_8));
        }
        Files.copy(keys.alice.secretKey(), dir.resolve("work/backup-key.sec.asc"));

        // The DBA's own, empty keyring; gpg.conf stands in for typing the passphrase.
        gnupg = Files.createDirectory(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.writeString(gnupg.resolve("gpg.conf"), "batch\npinentry-mode loopback\npassphrase-file "
                + keys.alice.passphraseFile() + "\n");
    }

    @AfterEach
    void stopAgent() throws IOException, InterruptedException {
        new ProcessBuilder("gpgconf", "--homedir", gnupg.toString(), "--kill", "gpg-agent")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(10, TimeUnit.SECONDS);
    }

    static String documentedCommands() throws IOException {
        List<String> doc = Files.readAllLines(Path.of("docs/encryption.md"));
        int marker = -1;
        for (int i = 0; i < doc.size(); i++) {
            if (doc.get(i).startsWith("<!-- disaster-commands")) {
                marker = i;
            }
        }
        assertTrue(marker >= 0, "docs/encryption.md has the disaster-commands marker");
        assertEquals("```sh", doc.get(marker + 1));
        int end = doc.subList(marker + 2, doc.size()).indexOf("```") + marker + 2;
        return String.join("\n", doc.subList(marker + 2, end)) + "\n";
    }

    private int runDocumented() throws IOException, InterruptedException {
        Path script = Files.writeString(dir.resolve("disaster.sh"), documentedCommands());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(dir.resolve("work").toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("disaster.log").toFile());
        pb.environment().put("GNUPGHOME", gnupg.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the documented commands finish");
        return p.exitValue();
    }

    @Test
    void theDocumentedCommandsBringTheFilesBackWithGpgZstdAndMbstreamAlone() throws IOException, InterruptedException {
        for (Path object : Files.walk(dir.resolve("work/backup")).filter(Files::isRegularFile).toList()) {
            assertFalse(new String(Files.readAllBytes(object), StandardCharsets.ISO_8859_1).contains(MARKER),
                    "no plaintext in " + object);
        }
        int exit = runDocumented();
        String log = Files.readString(dir.resolve("disaster.log"));
        assertEquals(0, exit, log);
        for (var f : files.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(dir.resolve("work/restored").resolve(f.getKey())),
                    f.getKey());
        }
        assertTrue(Files.readString(dir.resolve("work/manifest.json")).contains("db1/t1.ibd"), log);
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("work/restored"))));
    }

    @Test
    void aFlippedByteInOneChunkMakesTheCommandsFail() throws IOException, InterruptedException {
        Path chunk = dir.resolve("work").resolve(Chunk.keyOf("backup", 1));
        byte[] b = Files.readAllBytes(chunk);
        b[b.length / 2] ^= 0x10;
        Files.write(chunk, b);
        int exit = runDocumented();
        String log = Files.readString(dir.resolve("disaster.log"));
        assertNotEquals(0, exit, log);
        assertTrue(log.contains("encrypted message has been manipulated"), log);
    }

    private static void run(List<String> argv, Path stdout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), argv + " finishes");
        assertEquals(0, p.exitValue(), argv + " failed");
    }
}
