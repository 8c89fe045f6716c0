package org.backupscheduler.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.backupscheduler.config.EncryptionConfig;
import org.backupscheduler.crypto.CipherProvider;
import org.backupscheduler.crypto.Decryptor;
import org.backupscheduler.crypto.Encryptor;
import org.backupscheduler.crypto.Keyring;
import org.backupscheduler.crypto.Recipients;
import org.backupscheduler.testing.TestKeys;

/**
 * Encryption throughput ({@code bench/encryption}): one OpenPGP message of {@code --size-mib}
 * (default 1024) incompressible bytes, encrypted into a null sink, then encrypted into a file and
 * decrypted from it, once per {@link CipherProvider}; MiB per second of the thread's CPU time (per
 * core, steady whatever else the machine runs). Also the fixed cost per message (the public-key
 * operation of its session key) for cv25519 and RSA-2048 keys made by gpg. bench/encryption runs
 * it with -Xmx64m: the stream must not need memory in proportion to its size.
 */
public final class EncryptionThroughput {
    private static final int BLOCK = 1 << 20;
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    private EncryptionThroughput() {
    }

    public static void main(String[] args) throws Exception {
        long sizeMib = 1024;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: bench/encryption [--size-mib N] [--dir DIR]");
                    System.exit(2);
                }
            }
        }
        TestKeys keys = TestKeys.shared();
        Recipients alice = Recipients.load(List.of(keys.alice.publicKey()));
        Keyring keyring = Keyring.load(new EncryptionConfig(null, List.of(keys.alice.secretKey()),
                List.of(keys.alice.passphraseFile())));
        byte[] block = new byte[BLOCK];
        new Random(1).nextBytes(block);
        System.out.printf("encryption throughput: %d MiB, one message, MiB/s per CPU second, %s %s%n",
                sizeMib, System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        System.out.println("| provider | encrypt MiB/s | decrypt MiB/s |");
        System.out.println("|---|---|---|");
        Path file = Files.createTempFile(dir, "bs-bench-", ".pgp");
        try {
            for (int round = 0; round < 2; round++) { // the first round warms the JIT up and is not shown
                long size = round == 0 ? Math.min(sizeMib, 128) : sizeMib;
                for (CipherProvider provider : CipherProvider.values()) {
                    Encryptor encryptor = new Encryptor(alice, provider);
                    double enc = mibPerSecond(size, () -> write(encryptor.encrypt(OutputStream.nullOutputStream()),
                            block, size));
                    write(encryptor.encrypt(Files.newOutputStream(file)), block, size);
                    Decryptor decryptor = new Decryptor(keyring, provider);
                    double dec = mibPerSecond(size, () -> read(decryptor.decrypt(
                            new BufferedInputStream(Files.newInputStream(file), BLOCK)), size));
                    if (round == 1) {
                        System.out.printf("| %s | %.0f | %.0f |%n", provider, enc, dec);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        for (TestKeys.Key key : List.of(keys.alice, keys.bob)) {
            Encryptor encryptor = new Encryptor(Recipients.load(List.of(key.publicKey())));
            int n = 200;
            long t0 = THREAD.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                encryptor.encrypt(OutputStream.nullOutputStream()).close();
            }
            System.out.printf("per message, %s's key (%s): %.2f ms CPU%n", key.name(),
                    key == keys.alice ? "cv25519" : "RSA-2048", (THREAD.getCurrentThreadCpuTime() - t0) / 1e6 / n);
        }
        System.out.printf("%d MiB streamed through a heap of at most %d MiB%n", sizeMib,
                Runtime.getRuntime().maxMemory() >> 20);
        System.exit(0);
    }

    private interface Run {
        void run() throws IOException;
    }

    /** By the thread's CPU time: MiB/s per core, whatever else the machine runs meanwhile. */
    private static double mibPerSecond(long sizeMib, Run run) throws IOException {
        long t0 = THREAD.getCurrentThreadCpuTime();
        run.run();
        return sizeMib / ((THREAD.getCurrentThreadCpuTime() - t0) / 1e9);
    }

    private static void write(OutputStream out, byte[] block, long sizeMib) throws IOException {
        try (out) {
            for (long i = 0; i < sizeMib; i++) {
                block[0] = (byte) i; // not the same megabyte twice
                out.write(block);
            }
        }
    }

    private static void read(InputStream in, long sizeMib) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        }
        if (total != sizeMib * BLOCK) {
            throw new IOException("decrypted " + total + " bytes, expected " + sizeMib * BLOCK);
        }
    }
}
