package org.backupscheduler.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store goes away in the middle of an upload (S3Proxy stopped by its pid): the chunk in
 * flight is retried, then the stream fails with the store's reason; once the store is back,
 * abort() removes every chunk the run left.
 */
class StoreOutageIT {
    @TempDir
    Path tmp;

    @Test
    void storeStoppedMidUploadFailsWithItsReasonAndAbortLeavesNothing() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(tmp.resolve("s3"), "bucket");
             S3Storage s3 = new S3Storage(new S3Storage.Target(server.endpoint(), "us-east-1", true, "bucket", "repo"),
                     S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)) {
            ChunkedWriter w = new ChunkedWriter(s3, "db1/B1", new ChunkedWriter.Options(1 << 20, 2,
                    new Retries(3, Duration.ofMillis(200))), ChunkCodec.IDENTITY);
            InputStream source = TestStreams.pattern(40L << 20, 1);
            byte[] buf = new byte[1 << 20];
            for (int i = 0; i < 5; i++) { // 5 chunks stored while the store is up
                w.write(buf, 0, source.readNBytes(buf, 0, buf.length));
            }
            server.stop();
            IOException e = assertThrows(IOException.class, () -> {
                source.transferTo(w);
                w.finish();
            });
            String message = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause().getMessage());
            assertTrue(message.contains("S3 store s3://bucket/repo at " + server.endpoint()
                    + " (region us-east-1, path-style) not reachable"), message);
            assertThrows(IOException.class, w::abort, "the store is still down: nothing can be removed yet");

            server.restart();
            assertTrue(!s3.list("db1/B1/").isEmpty(), "the chunks stored before the outage are there");
            w.abort();
            assertEquals(List.of(), s3.list("db1/"));
        }
    }
}
