package org.backupscheduler.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/** Streams of known content and unknown length, for the storage tests. */
final class TestStreams {
    private TestStreams() {
    }

    /** {@code size} bytes of a pattern that differs per {@code seed}; read in odd-sized pieces. */
    static InputStream pattern(long size, int seed) {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < size ? byteAt(pos++, seed) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, 7777), size - pos); // never a whole buffer: like a pipe
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) byteAt(pos++, seed);
                }
                return n;
            }
        };
    }

    static byte[] bytes(long size, int seed) throws IOException {
        return pattern(size, seed).readAllBytes();
    }

    static int byteAt(long pos, int seed) {
        long x = pos * 0x9E3779B97F4A7C15L + seed;
        return (int) ((x >>> 29) ^ (x >>> 47)) & 0xff;
    }

    /** A stream that gives {@code good} bytes of the pattern, then fails: a source dying mid-upload. */
    static InputStream failingAfter(long good, int seed) {
        InputStream in = pattern(good, seed);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("source failed on purpose after " + good + " bytes");
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0) {
                    throw new IOException("source failed on purpose after " + good + " bytes");
                }
                return n;
            }
        };
    }

    static long crc(InputStream in) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            crc.update(buf, 0, n);
        }
        return crc.getValue();
    }
}
