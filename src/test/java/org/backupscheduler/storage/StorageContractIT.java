package org.backupscheduler.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.backupscheduler.testing.OpenSshServer;
import org.backupscheduler.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Storage} contract against all three drivers, each on a real store: a local folder,
 * S3Proxy (an S3-compatible server, child JVM on a loopback port) and Debian's OpenSSH sftp
 * (started on a loopback port). Plus the faults a user meets first: a wrong secret, a wrong host key.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StorageContractIT {
    @TempDir
    static Path tmp;
    static S3ProxyServer s3proxy;
    static OpenSshServer sshd;
    static Storage local;
    static Storage s3;
    static Storage sftp;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(OpenSshServer.installed(), "openssh-server is not installed (bin/install-deps)");
        s3proxy = S3ProxyServer.start(tmp.resolve("s3"), "bucket");
        sshd = OpenSshServer.start(tmp.resolve("sshd"));
        local = new LocalStorage(tmp.resolve("local-repo"));
        s3 = new S3Storage(s3Target(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        sftp = SftpStorage.open(sftpTarget(sshd.knownHosts()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {sftp, s3, sshd, s3proxy}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static S3Storage.Target s3Target() {
        return new S3Storage.Target(s3proxy.endpoint(), "us-east-1", true, "bucket", "db/repo");
    }

    static SftpStorage.Target sftpTarget(Path knownHosts) {
        return new SftpStorage.Target(sshd.user(), "127.0.0.1", sshd.port(), tmp.resolve("sftp-repo").toString(),
                sshd.identityFile(), knownHosts);
    }

    static Stream<Arguments> drivers() {
        return Stream.of(Arguments.of("local", local), Arguments.of("s3", s3), Arguments.of("sftp", sftp));
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void putOfUnknownLengthComesBackWhole(String name, Storage s) throws IOException {
        StorageContract.putUnknownLength(s);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void rangedGet(String name, Storage s) throws IOException {
        StorageContract.rangedGet(s);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void listByPrefix(String name, Storage s) throws IOException {
        StorageContract.listByPrefix(s);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void delete(String name, Storage s) throws IOException {
        StorageContract.delete(s);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void overwriteIsAtomic(String name, Storage s) throws IOException {
        StorageContract.overwriteIsAtomic(s);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void missingKeyIsNoSuchFile(String name, Storage s) throws IOException {
        StorageContract.missingKey(s);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void refusesKeysThatClimbOut(String name, Storage s) {
        StorageContract.refusesBadKeys(s);
    }

    /** Chunks uploaded 4 at a time over one connection (one S3 client, one SFTP channel) and read back. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("drivers")
    void chunkedRoundTripInParallel(String name, Storage s) throws IOException {
        long size = (1L << 20) * 9 + 4321;
        java.util.List<Chunk> chunks;
        try (ChunkedWriter w = new ChunkedWriter(s, "chunked/" + name, new ChunkedWriter.Options(1 << 20, 4,
                Retries.DEFAULT), ChunkCodec.IDENTITY)) {
            TestStreams.pattern(size, 11).transferTo(w);
            chunks = w.finish();
        }
        assertEquals(10, chunks.size());
        try (java.io.InputStream in = new ChunkedReader(s, chunks, ChunkCodec.IDENTITY, Retries.DEFAULT, 4)) {
            assertEquals(TestStreams.crc(TestStreams.pattern(size, 11)), TestStreams.crc(in));
        }
        try (ChunkedWriter w = new ChunkedWriter(s, "aborted/" + name, new ChunkedWriter.Options(1 << 20, 4,
                Retries.DEFAULT), ChunkCodec.IDENTITY)) {
            TestStreams.pattern(size, 12).transferTo(w);
            w.abort();
        }
        assertEquals(java.util.List.of(), s.list("aborted/"));
    }

    @Test
    void s3ObjectsLieUnderThePrefixAsPlainFiles() throws IOException {
        s3.put("inst/plain", TestStreams.pattern(1234, 9));
        assertEquals(1234, Files.size(s3proxy.objectFile("bucket", "db/repo/inst/plain")));
    }

    @Test
    void sftpFilesAre0600InFolders0700() throws IOException {
        sftp.put("modes/a/obj", TestStreams.pattern(10, 9));
        Path repo = tmp.resolve("sftp-repo");
        assertEquals("rw-------", modeOf(repo.resolve("modes/a/obj")));
        assertEquals("rwx------", modeOf(repo.resolve("modes/a")));
        assertTrue(sftp.freeSpace().orElseThrow() > 0, "statvfs@openssh.com");
    }

    /**
     * The server drops the connection (sshd restarted, the network cut): the store connects
     * again, host key checked again, on its next request instead of failing from then on.
     */
    @Test
    void sftpConnectsAgainAfterTheServerDroppedIt() throws Exception {
        try (SftpStorage s = SftpStorage.open(sftpTarget(sshd.knownHosts()))) {
            s.put("re/a", TestStreams.pattern(10, 1));
            long loginsBefore = logins();
            sshd.dropConnections();
            // Once the client has noticed the closed socket (a drop it has not noticed yet costs one
            // request its timeout: measured here when 500 ms were not enough on a loaded machine).
            for (int i = 0; i < 200 && s.connected(); i++) {
                Thread.sleep(50);
            }
            assertFalse(s.connected(), "the client saw the drop within 10 s");
            s.put("re/b", TestStreams.pattern(10, 2));
            assertTrue(s.exists("re/a") && s.exists("re/b"));
            assertTrue(logins() > loginsBefore, "a new login after the drop");
        }
    }

    private static long logins() throws IOException {
        return Files.readString(sshd.log()).lines().filter(l -> l.contains("Accepted publickey")).count();
    }

    @Test
    void wrongS3SecretIsOneLineNamingTheKeyToFix() throws IOException {
        try (S3Storage wrong = new S3Storage(s3Target(), S3ProxyServer.ACCESS_KEY, "not-the-secret")) {
            StorageAccessException e = assertThrows(StorageAccessException.class,
                    () -> wrong.put("inst/x", TestStreams.pattern(10, 1)));
            assertEquals(StorageAccessException.Kind.CONFIG, e.kind());
            assertTrue(e.getMessage().startsWith("S3 store s3://bucket/db/repo at " + s3proxy.endpoint()
                    + " (region us-east-1, path-style) refused our signature: SignatureDoesNotMatch"), e.getMessage());
            assertEquals("fix the secret in repository.s3.secret-key-file (it must match the access key's)", e.hint());
            assertTrue(!e.getMessage().contains("not-the-secret") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void unknownBucketIsNamed() throws IOException {
        var t = new S3Storage.Target(s3proxy.endpoint(), "us-east-1", true, "no-such-bucket", "");
        try (S3Storage s = new S3Storage(t, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)) {
            StorageAccessException e = assertThrows(StorageAccessException.class, () -> s.list(""));
            assertEquals("bucket 'no-such-bucket' does not exist at " + s3proxy.endpoint(), e.getMessage());
        }
    }

    @Test
    void storeNotListeningIsUnreachable() throws IOException {
        var t = new S3Storage.Target(URI.create("http://127.0.0.1:1"), "us-east-1", true, "bucket", "");
        try (S3Storage s = new S3Storage(t, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)) {
            StorageAccessException e = assertThrows(StorageAccessException.class, () -> s.stat("x"));
            assertEquals(StorageAccessException.Kind.UNREACHABLE, e.kind());
        }
    }

    @Test
    void unknownHostKeyIsRefusedWithOneLine() throws IOException {
        Path empty = tmp.resolve("known_hosts_empty");
        Files.writeString(empty, "");
        StorageAccessException e = assertThrows(StorageAccessException.class, () -> SftpStorage.open(sftpTarget(empty)));
        assertEquals(StorageAccessException.Kind.CONFIG, e.kind());
        assertTrue(e.getMessage().matches("host key of 127\\.0\\.0\\.1:" + sshd.port() + " \\(SHA256:\\S+\\) is not in "
                + "repository\\.sftp\\.known-hosts " + empty + ": refusing to connect"), e.getMessage());
        assertTrue(e.hint().startsWith("if the server's key is right, add it: ssh-keyscan -p " + sshd.port()), e.hint());
    }

    @Test
    void changedHostKeyIsRefusedWithOneLine() throws Exception {
        Path changed = tmp.resolve("known_hosts_changed");
        sshd.writeKnownHosts(changed, sshd.otherPublicKey());
        StorageAccessException e = assertThrows(StorageAccessException.class,
                () -> SftpStorage.open(sftpTarget(changed)));
        assertTrue(e.getMessage().startsWith("host key of 127.0.0.1:" + sshd.port() + " CHANGED: known-hosts " + changed
                + " has SHA256:"), e.getMessage());
    }

    private static String modeOf(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
