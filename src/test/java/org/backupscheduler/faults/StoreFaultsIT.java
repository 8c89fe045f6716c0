package org.backupscheduler.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.sandbox.LongMyisamUpdate;
import org.backupscheduler.storage.S3Storage;
import org.backupscheduler.storage.StoredObject;
import org.backupscheduler.testing.LoadedPrimary;
import org.backupscheduler.testing.S3ProxyServer;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of a repository off the host ([2.2]), through the real CLI against S3Proxy: the store
 * stopped mid-upload, our own process SIGKILLed mid-upload, a wrong secret key. Each ends with
 * the run FAILED (never counted) and, once the store answers, no object of the run in the bucket.
 * A long MyISAM UPDATE holds the engine in its lock phase, so "mid-upload" is a real moment: the
 * first chunks are stored, the run cannot have finished.
 */
class StoreFaultsIT {
    private static final String BUCKET = "backups";

    @RegisterExtension
    static final LoadedPrimary PRIMARY = new LoadedPrimary("sft", 3_000);

    @TempDir
    Path dir;

    private S3ProxyServer s3;

    @BeforeEach
    void startStore() throws Exception {
        s3 = S3ProxyServer.start(dir.resolve("s3"), BUCKET);
    }

    @AfterEach
    void stopStore() throws Exception {
        s3.close();
    }

    /** The primary backed up into s3://backups/site-a in 1 MiB chunks, two uploads at a time. */
    private Path config(String secret) throws IOException {
        Path config = TestSetup.config(dir, PRIMARY.server(),
                TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD), null);
        Files.writeString(config, Files.readString(config).replace("repository: " + dir.resolve("repo"),
                "state-dir: " + dir.resolve("state") + "\n"
                        + "repository:\n"
                        + s3.repositoryYaml("  ", "s3://" + BUCKET + "/site-a", dir, secret)
                        + "  chunk-size: 1MiB\n"
                        + "  upload-parallel: 2"));
        return config;
    }

    @Test
    void storeStoppedMidUploadFailsTheRunAndTheNextStartRemovesWhatItLeft() throws Exception {
        Path config = config(S3ProxyServer.SECRET_KEY);
        Result run;
        String id;
        try (LongMyisamUpdate blocker = LongMyisamUpdate.start(PRIMARY.server())) {
            CompletableFuture<Result> running = CompletableFuture.supplyAsync(
                    () -> TestSetup.cli("--config", config.toString(), "run"));
            id = awaitFirstChunk();
            s3.stop(); // by its pid: the store is gone while the run uploads
            blocker.close(); // the engine goes on streaming into a store that is not there
            run = running.get(3, TimeUnit.MINUTES);
        }

        assertEquals(1, run.exitCode(), run.toString());
        Map<String, Object> failed = TestSetup.newest(config);
        assertEquals(id, failed.get("id"));
        assertEquals("FAILED", failed.get("status"), "never counted: " + failed);
        String reason = (String) failed.get("reason");
        assertTrue(reason.contains("S3 store s3://" + BUCKET + "/site-a at " + s3.endpoint()
                + " (region us-east-1, path-style) not reachable"), "the store's own reason: " + reason);
        assertTrue(reason.endsWith("; what it stored in s3://" + BUCKET + "/site-a could not be removed now: the next "
                + "start removes it once the store answers"), reason);
        assertTrue(Files.isDirectory(s3.objectFile(BUCKET, "site-a/" + PRIMARY.server().name() + "/" + id)),
                "precondition: the chunks stored before the outage are still in the store's folder");

        s3.restart(); // the store is back, on the same folder
        TestSetup.newest(config); // the next start (any command) removes them

        assertEquals(List.of(), keysOf(id), "no object of the failed run is left in the bucket");
        Result next = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, next.exitCode(), next.toString());
        assertEquals("VERIFIED", TestSetup.newest(config).get("status"));
    }

    @Test
    void ourProcessKilledMidUploadIsFailedAtTheNextStartAndWhatItStoredRemoved() throws Exception {
        Path config = config(S3ProxyServer.SECRET_KEY);
        String id;
        try (LongMyisamUpdate blocker = LongMyisamUpdate.start(PRIMARY.server())) {
            Process cli = new ProcessBuilder("java", "-jar",
                    Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(), "--config", config.toString(),
                    "run").redirectErrorStream(true).redirectOutput(dir.resolve("cli.out").toFile()).start();
            try {
                id = awaitFirstChunk();
            } finally {
                cli.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no finally of ours runs
            }
            assertFalse(keysOf(id).isEmpty(), "precondition: the killed run left objects in the bucket");

            Map<String, Object> failed = TestSetup.newest(config); // the next start

            assertEquals(id, failed.get("id"));
            assertEquals("FAILED", failed.get("status"), failed.toString());
            assertTrue(((String) failed.get("reason")).contains("died before it finished"), failed.toString());
        }
        assertEquals(List.of(), keysOf(id), "no object of the killed run is left in the bucket");
    }

    @Test
    void aWrongSecretKeyIsExit2WithAHintNamingTheKeyFileAndNothingStored() throws Exception {
        Path config = config("not-the-secret");

        Result run = TestSetup.cli("--config", config.toString(), "run");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("HINT: fix the secret in repository.s3.secret-key-file"), run.toString());
        assertFalse(run.toString().contains("not-the-secret"), "no secret in the output: " + run);
        assertEquals(List.of(), keysOf(""), "nothing in the bucket");
    }

    /** Waits until the run's first chunk object is in the store's folder; returns the run's id. */
    private String awaitFirstChunk() throws InterruptedException, IOException {
        Path instance = s3.objectFile(BUCKET, "site-a/" + PRIMARY.server().name());
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (Files.isDirectory(instance)) {
                try (var runs = Files.list(instance)) {
                    for (Path run : runs.toList()) {
                        if (Files.isRegularFile(run.resolve("chunks/00000000"))) {
                            return run.getFileName().toString();
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no chunk object appeared in " + instance);
    }

    /** The bucket's keys (listed through the S3 API) that name backup {@code id}; all keys for "". */
    private List<String> keysOf(String id) throws IOException {
        try (S3Storage bucket = new S3Storage(new S3Storage.Target(s3.endpoint(), "us-east-1", true, BUCKET, ""),
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)) {
            return bucket.list("").stream().map(StoredObject::key).filter(k -> k.contains(id)).toList();
        }
    }
}
