package org.backupscheduler.binlogs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.EncryptionConfig;
import org.backupscheduler.crypto.Decryptor;
import org.backupscheduler.crypto.Encryptor;
import org.backupscheduler.crypto.Keyring;
import org.backupscheduler.crypto.Recipients;
import org.backupscheduler.storage.BoundedInputStream;
import org.backupscheduler.storage.PrivateFiles;
import org.backupscheduler.storage.Storage;
import org.backupscheduler.storage.Storages;

/**
 * Where archived binlogs are kept: the keys {@code <instance>/binlogs/<name>} of the repository's
 * store (a local folder, S3 or SFTP: {@link Storage}). Each write lands whole or not at all.
 * With {@code encryption.recipients} set, a binlog (it holds rows) is stored as one OpenPGP
 * message, {@code <name>.pgp}, like a backup's chunks; the {@code .json} index entries (file
 * names, GTIDs, times, sizes, checksums of the plaintext) stay readable.
 */
public final class BinlogStore implements AutoCloseable {
    /** The folder under the instance (backup.RepositoryLayout.BINLOGS says the same). */
    public static final String FOLDER = "binlogs";
    static final String PGP = ".pgp";
    private final Storage storage;
    private final String prefix;
    private final Encryptor encryptor;
    private final Supplier<Decryptor> decryptor;

    public BinlogStore(Storage storage, String instance) {
        this(storage, instance, null, null);
    }

    /** {@code encryptor} null: plaintext; {@code decryptor} is asked only when an encrypted object is read. */
    public BinlogStore(Storage storage, String instance, Encryptor encryptor, Supplier<Decryptor> decryptor) {
        this.storage = storage;
        this.prefix = instance + "/" + FOLDER + "/";
        this.encryptor = encryptor;
        this.decryptor = decryptor;
    }

    /** The store of {@code config}'s repository, encrypting as its encryption: section says. */
    public static BinlogStore open(BackupConfig config) throws IOException {
        EncryptionConfig e = config.encryption();
        Encryptor encryptor = e.enabled() ? new Encryptor(Recipients.load(e.recipients(), Instant.now())) : null;
        return new BinlogStore(Storages.open(config.repository()), config.instance(), encryptor,
                () -> new Decryptor(Keyring.load(e)));
    }

    /** The key of {@code name}, as messages and docs name it. */
    public String key(String name) {
        return prefix + name;
    }

    /** Stores the first {@code length} bytes of {@code source} as {@code name}, replacing what was there. */
    public void put(String name, Path source, long length) throws IOException {
        if (encryptor != null) {
            putEncrypted(name, source, length);
            return;
        }
        long written;
        try (InputStream in = new BoundedInputStream(Files.newInputStream(source), length)) {
            written = storage.put(key(name), in);
        }
        if (written != length) {
            throw new IOException("storing " + key(name) + ": " + written + " bytes of " + length + " were read from "
                    + source + " (the file shrank)");
        }
    }

    /** Encrypted beside the staged file first (a dot name the staging pass ignores), then stored. */
    private void putEncrypted(String name, Path source, long length) throws IOException {
        Path sealed = source.resolveSibling("." + source.getFileName() + PGP);
        Files.deleteIfExists(sealed);
        PrivateFiles.createFile(sealed);
        try {
            long copied;
            try (InputStream in = new BoundedInputStream(Files.newInputStream(source), length);
                 OutputStream out = encryptor.encrypt(Files.newOutputStream(sealed))) {
                copied = in.transferTo(out);
            }
            if (copied != length) {
                throw new IOException("storing " + key(name) + ": " + copied + " bytes of " + length + " were read from "
                        + source + " (the file shrank)");
            }
            try (InputStream in = Files.newInputStream(sealed)) {
                storage.put(key(name) + PGP, in);
            }
        } finally {
            Files.deleteIfExists(sealed);
        }
    }

    /** Index entries: metadata only, stored as they are. */
    public void put(String name, byte[] bytes) throws IOException {
        storage.put(key(name), new ByteArrayInputStream(bytes));
    }

    public Optional<byte[]> read(String name) throws IOException {
        try (InputStream in = storage.get(key(name))) {
            return Optional.of(in.readAllBytes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The object's bytes as a stream (the caller closes it); a missing one is NoSuchFileException. */
    public InputStream open(String name) throws IOException {
        if (storage.exists(key(name) + PGP)) {
            return decryptor.get().decrypt(storage.get(key(name) + PGP));
        }
        return storage.get(key(name));
    }

    public boolean exists(String name) throws IOException {
        return storage.exists(key(name)) || storage.exists(key(name) + PGP);
    }

    /** Every stored name, sorted. */
    public List<String> names() throws IOException {
        return storage.list(prefix).stream().map(o -> o.key().substring(prefix.length()))
                .filter(n -> !n.contains("/")).toList();
    }

    /** Removes {@code name} (a superseded {@code .partial}); nothing when it is not there. */
    public void remove(String name) throws IOException {
        // Only the open file's prefix we stored ourselves is ever replaced; a sealed binlog is never
        // deleted here (retention of the archive is a guarded decision of its own, not built yet).
        if (!name.endsWith(".partial") || name.contains("/")) {
            throw new IOException("refusing to delete " + key(name) + ": only a superseded <file>.partial is removed");
        }
        storage.delete(key(name));
        storage.delete(key(name) + PGP);
    }

    public String describe() {
        return storage.describe() + " " + prefix;
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
