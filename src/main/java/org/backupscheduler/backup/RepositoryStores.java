package org.backupscheduler.backup;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.backupscheduler.UserError;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.EncryptionConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.crypto.Decryptor;
import org.backupscheduler.crypto.Encryptor;
import org.backupscheduler.crypto.Keyring;
import org.backupscheduler.crypto.Recipients;
import org.backupscheduler.storage.ChunkCodec;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.Storages;

/**
 * The store behind the configured repository, opened once per process and only when a backup
 * that lies there is read or written. A manifest names its repository by URL; reading a backup
 * from another repository than the configured one is refused with both URLs, never guessed.
 */
public final class RepositoryStores {
    private static RepositoryConfig configured;
    /** Every repository of the config, the primary ({@link #configured}) first. */
    private static List<RepositoryConfig> copies = List.of();
    private static EncryptionConfig encryption = EncryptionConfig.NONE;
    /** The stores opened so far, by URL. */
    private static final Map<String, Storage> open = new HashMap<>();
    private static Decryptor decryptor;

    private RepositoryStores() {
    }

    /** The repository and keys of the config in effect; called once the config is loaded. */
    public static synchronized void configure(BackupConfig config) {
        RepositoryConfig repository = config.repository();
        // Other repositories, or the same URLs with other settings (keys, endpoint): new connections.
        // The same ones again (each workflow of a daemon calls this) keep the open ones, which
        // runs in progress may be using.
        if (configured != null && !Objects.equals(copies, config.copies())) {
            closeQuietly();
        }
        copies = config.copies();
        if (!Objects.equals(encryption, config.encryption())) {
            decryptor = null;
        }
        configured = repository;
        encryption = config.encryption();
    }

    /**
     * How new chunks are written: encrypted to {@code encryption.recipients} (each checked now:
     * not expired, not revoked) when there are any, else as they are.
     */
    static synchronized ChunkCodec writingCodec() {
        if (!encryption.enabled()) {
            return ChunkCodec.IDENTITY;
        }
        return OpenPgpChunks.encrypting(new Encryptor(Recipients.load(encryption.recipients())));
    }

    /** The encryptor of new backups' small objects, or null when they are not encrypted. */
    static synchronized Encryptor encryptor() {
        return encryption.enabled() ? new Encryptor(Recipients.load(encryption.recipients())) : null;
    }

    /** The fingerprints new backups are encrypted to (empty: not encrypted). */
    static synchronized List<String> recipientFingerprints() {
        return encryption.enabled() ? Recipients.load(encryption.recipients()).fingerprints() : List.of();
    }

    static synchronized boolean canDecrypt() {
        return encryption.canDecrypt();
    }

    /**
     * How the chunks of {@code stream} are read. An encrypted backup needs the secret key: without
     * one configured here it is refused (exit 2) naming the keys it was encrypted to.
     */
    static synchronized ChunkCodec readingCodec(String backupId, Manifest.Stream stream) {
        if (!OpenPgpChunks.NAME.equals(stream.codec())) {
            return ChunkCodec.IDENTITY;
        }
        if (!encryption.canDecrypt()) {
            throw new UserError("backup " + backupId + " is encrypted to " + String.join(", ", stream.recipients())
                    + " and this config has no encryption.secret-key-file",
                    "run it where the secret key is (a verifier host), or set encryption.secret-key-file and "
                    + "encryption.passphrase-file (both 0600)", UserError.USAGE);
        }
        if (decryptor == null) {
            decryptor = new Decryptor(Keyring.load(encryption));
        }
        return OpenPgpChunks.decrypting(decryptor, backupId, stream.recipients());
    }

    /** The store at {@code url}, which must be one of the configured repositories. */
    public static synchronized Storage storeAt(String url) throws IOException {
        RepositoryConfig repository = copies.stream().filter(r -> r.url().equals(url)).findFirst().orElse(null);
        if (repository == null) {
            throw new IOException("the backup lies in " + url + " but the configured repository is "
                    + (configured == null ? "not set" : copies.stream().map(RepositoryConfig::url)
                            .reduce((a, b) -> a + " (and " + b + ")").orElseThrow())
                    + ": run this with the config whose repository.url is " + url);
        }
        Storage store = open.get(url);
        if (store == null) {
            store = Storages.open(repository);
            open.put(url, store);
        }
        return store;
    }

    /** The configured (primary) repository's store (for writing a backup into it). */
    public static synchronized Storage configuredStore() throws IOException {
        return storeAt(configured.url());
    }

    public static synchronized RepositoryConfig configured() {
        return configured;
    }

    private static void closeQuietly() {
        for (Storage store : open.values()) {
            try {
                store.close();
            } catch (IOException e) {
                // a connection we no longer use
            }
        }
        open.clear();
    }
}
