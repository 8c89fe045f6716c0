package org.backupscheduler.backup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import org.backupscheduler.crypto.Decryptor;
import org.backupscheduler.crypto.Encryptor;
import org.backupscheduler.crypto.NoSecretKeyError;
import org.backupscheduler.storage.ChunkCodec;

/**
 * Each chunk one OpenPGP message ([2.3]): encrypted to the recipients as it leaves, decrypted
 * with the keyring as it is read. A whole chunk is decrypted before any byte of it is handed on,
 * so the integrity check (the message's MDC) has passed before a reader sees plaintext: altered
 * ciphertext is an {@link org.backupscheduler.crypto.IntegrityException}, never altered data.
 * The chunk's CRC32C stays that of the ciphertext, so a host without the secret key can still
 * check every object where it lies.
 */
final class OpenPgpChunks implements ChunkCodec {
    static final String NAME = "openpgp";

    private final Encryptor encryptor;
    private final Decryptor decryptor;
    /** Whose chunks these are, to name in a refusal: the backup and the fingerprints it was encrypted to. */
    private final String backupId;
    private final List<String> encryptedTo;

    private OpenPgpChunks(Encryptor encryptor, Decryptor decryptor, String backupId, List<String> encryptedTo) {
        this.encryptor = encryptor;
        this.decryptor = decryptor;
        this.backupId = backupId;
        this.encryptedTo = encryptedTo;
    }

    static OpenPgpChunks encrypting(Encryptor encryptor) {
        return new OpenPgpChunks(encryptor, null, null, List.of());
    }

    static OpenPgpChunks decrypting(Decryptor decryptor, String backupId, List<String> encryptedTo) {
        return new OpenPgpChunks(null, decryptor, backupId, List.copyOf(encryptedTo));
    }

    @Override
    public Bytes encode(Bytes plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length() + 4096);
        try (OutputStream enc = encryptor.encrypt(out)) {
            enc.write(plain.array(), 0, plain.length());
        }
        return new Bytes(out.toByteArray(), out.size());
    }

    @Override
    public Bytes decode(Bytes stored) throws IOException {
        try (InputStream in = decryptor.decrypt(new ByteArrayInputStream(stored.array(), 0, stored.length()))) {
            byte[] plain = in.readAllBytes();
            return new Bytes(plain, plain.length);
        } catch (NoSecretKeyError e) {
            // The message names only subkey ids; the manifest knows the fingerprints a user can look up.
            throw e.forBackup(backupId, encryptedTo);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** One small object (a manifest, an engine file) as one message. */
    static byte[] encrypt(Encryptor encryptor, byte[] plain) throws IOException {
        return encrypting(encryptor).encode(new Bytes(plain, plain.length)).array();
    }
}
