package org.backupscheduler.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where backups lie: a local folder, an S3-compatible bucket or an SFTP folder, seen as named
 * objects. A key is a relative '/'-separated name ({@code <instance>/<id>/chunks/00000001}),
 * checked by {@link Keys#check}; every driver maps it under its own root.
 * <p>
 * Every command talks to a {@code Storage}, never to S3 or SFTP by name. A missing object is a
 * {@link java.nio.file.NoSuchFileException} naming the key; a store that cannot be reached or
 * refuses our credentials is a {@link StorageAccessException} that says which setting to fix.
 * Deleting a backup goes through {@code backup.OwnedFolders}, the one guarded place.
 */
public interface Storage extends Closeable {

    /**
     * Writes {@code key} from a stream of unknown length, read to its end (not closed). The object
     * appears under its name whole or not at all: a reader never sees a partial object, and an
     * overwrite replaces the old content in one step. Returns the bytes written.
     */
    long put(String key, InputStream content) throws IOException;

    /**
     * Writes {@code key} from the first {@code length} bytes of {@code content}, with the same
     * promise as {@link #put(String, InputStream)}: a chunk already in memory goes up in one
     * request where the store allows (S3: one PUT, no copy of the array).
     */
    default long put(String key, byte[] content, int length) throws IOException {
        return put(key, new java.io.ByteArrayInputStream(content, 0, length));
    }

    /** The whole object; the caller closes the stream. */
    default InputStream get(String key) throws IOException {
        return get(key, ByteRange.ALL);
    }

    /** Part of the object: {@code range.length()} bytes from {@code range.offset()}, fewer at its end. */
    InputStream get(String key, ByteRange range) throws IOException;

    /** Every object whose key starts with {@code prefix} (a string prefix, as S3 has it), sorted by key. */
    List<StoredObject> list(String prefix) throws IOException;

    /** The object's size and time, or empty when there is none. */
    Optional<StoredObject> stat(String key) throws IOException;

    default boolean exists(String key) throws IOException {
        return stat(key).isPresent();
    }

    /** Removes one object; nothing when it is gone already. Backups are deleted via OwnedFolders. */
    void delete(String key) throws IOException;

    /** Bytes that can still be written, where the driver can tell (a local disk, SFTP's statvfs). */
    OptionalLong freeSpace() throws IOException;

    /** Where this is, for messages and logs: {@code s3://bucket/prefix (endpoint ...)}; never a secret. */
    String describe();

    @Override
    default void close() throws IOException {
    }
}
