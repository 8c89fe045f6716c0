package org.backupscheduler.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.backupscheduler.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API a chunk codec relies on: either cipher provider reads what the other wrote (same
 * format), one Encryptor and one Decryptor serve parallel chunks, and closing the message
 * stream closes the object stream under it, exactly once.
 */
class RoundTripTest {
    private static TestKeys keys;

    @BeforeAll
    static void makeKeys() throws IOException {
        keys = TestKeys.shared();
    }

    @Test
    void eitherProviderReadsWhatTheOtherWrote() throws IOException {
        Recipients to = OpenPgpInteropTest.to(keys.alice);
        Keyring keyring = OpenPgpInteropTest.keyring(keys.alice);
        byte[] plain = OpenPgpInteropTest.data(777_777);
        for (CipherProvider writer : CipherProvider.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream enc = new Encryptor(to, writer).encrypt(out)) {
                enc.write(plain);
            }
            for (CipherProvider reader : CipherProvider.values()) {
                try (InputStream in = new Decryptor(keyring, reader).decrypt(new ByteArrayInputStream(out.toByteArray()))) {
                    assertArrayEquals(plain, in.readAllBytes(), writer + " → " + reader);
                }
            }
        }
    }

    @Test
    void oneEncryptorAndOneDecryptorServeParallelChunks() throws Exception {
        Encryptor encryptor = new Encryptor(OpenPgpInteropTest.to(keys.alice, keys.bob));
        Decryptor decryptor = new Decryptor(OpenPgpInteropTest.keyring(keys.bob));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> chunks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                chunks.add(pool.submit(() -> {
                    byte[] plain = OpenPgpInteropTest.data(100_000 + n);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try (OutputStream enc = encryptor.encrypt(out)) {
                        enc.write(plain);
                    }
                    try (InputStream in = decryptor.decrypt(new ByteArrayInputStream(out.toByteArray()))) {
                        assertArrayEquals(plain, in.readAllBytes(), "chunk " + n);
                    }
                    return plain.length;
                }));
            }
            for (Future<?> f : chunks) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingTheMessageClosesTheObjectStreamOnce() throws IOException {
        int[] closes = {0};
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closes[0]++;
            }
        };
        OutputStream enc = new Encryptor(OpenPgpInteropTest.to(keys.alice)).encrypt(sink);
        enc.write(new byte[] {1, 2, 3});
        enc.close();
        enc.close();
        assertTrue(closes[0] == 1, "closed " + closes[0] + " times");
        int[] inCloses = {0};
        InputStream source = new ByteArrayInputStream(sink.toByteArray()) {
            @Override
            public void close() {
                inCloses[0]++;
            }
        };
        InputStream in = new Decryptor(OpenPgpInteropTest.keyring(keys.alice)).decrypt(source);
        assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
        in.close();
        assertTrue(inCloses[0] >= 1, "the object stream is closed");
    }
}
