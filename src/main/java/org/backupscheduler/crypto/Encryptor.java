package org.backupscheduler.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;

import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * Turns a stream into one OpenPGP message (RFC 4880 / 9580) that {@code gpg --decrypt} reads: a
 * public-key encrypted session key packet per recipient, then an integrity-protected
 * (SEIPD v1 with MDC) AES-256 packet holding a binary literal packet. No compression packet:
 * the stream arrives compressed already, and ciphertext does not compress. Streams in
 * partial-length packets of 64 KiB, so memory stays bounded whatever the size.
 * Thread-safe: one Encryptor serves parallel chunks, each with its own session key.
 */
public final class Encryptor {
    private static final int BUFFER = 1 << 16;

    private final Recipients recipients;
    private final CipherProvider provider;
    private final SecureRandom random = new SecureRandom();

    public Encryptor(Recipients recipients) {
        this(recipients, CipherProvider.JDK);
    }

    public Encryptor(Recipients recipients, CipherProvider provider) {
        this.recipients = recipients;
        this.provider = provider;
    }

    /** The fingerprints every message of this Encryptor is encrypted to (for the manifest). */
    public Recipients recipients() {
        return recipients;
    }

    /**
     * The plaintext side of a new message written to {@code out}. Closing it ends the message
     * (the final packets and the integrity code) and closes {@code out}; a message not closed
     * is incomplete and will fail its integrity check when read.
     */
    public OutputStream encrypt(OutputStream out) throws IOException {
        PGPEncryptedDataGenerator encrypted = new PGPEncryptedDataGenerator(
                provider.dataEncryptor(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(random));
        for (Recipients.Recipient r : recipients.all()) {
            encrypted.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(r.encryptionKey()).setSecureRandom(random));
        }
        OutputStream body;
        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        try {
            body = literal.open(encrypted.open(out, new byte[BUFFER]), PGPLiteralData.BINARY, "", new Date(),
                    new byte[BUFFER]);
        } catch (PGPException e) {
            throw new IOException("cannot start an OpenPGP message: " + e.getMessage(), e);
        }
        return new Message(body, literal, encrypted, out);
    }

    /** Writes go to the literal packet; close finishes literal, then encryption, then the sink. */
    private static final class Message extends FilterOutputStream {
        private final PGPLiteralDataGenerator literal;
        private final PGPEncryptedDataGenerator encrypted;
        private final OutputStream sink;
        private boolean closed;

        Message(OutputStream body, PGPLiteralDataGenerator literal, PGPEncryptedDataGenerator encrypted,
                OutputStream sink) {
            super(body);
            this.literal = literal;
            this.encrypted = encrypted;
            this.sink = sink;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len); // FilterOutputStream would write byte by byte
        }

        @Override
        public void flush() throws IOException {
            sink.flush(); // packets leave when full (64 KiB) or at close; pushes on what left already
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (sink) {
                literal.close();
                encrypted.close();
            }
        }
    }
}
