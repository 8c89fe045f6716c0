package org.backupscheduler.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.storage.Chunk;
import org.backupscheduler.storage.Storage;

/**
 * A further copy of a backup ({@code repositories:}, pgBackRest's repo2): the backup was written
 * once, to the primary repository; here its chunk objects are copied as they lie there (still
 * compressed, still encrypted: nothing is decoded), each checked against its CRC32C on the way so
 * a damaged chunk is never copied, then the small files of its local folder, and the manifest
 * last, naming the copy's own repository: the same commit marker as a backup written there.
 */
public final class RepositoryCopy {
    private RepositoryCopy() {
    }

    /**
     * Writes backup {@code backupDir} (a format-3 backup of {@code instance}) into {@code target};
     * returns the bytes copied. A copy that fails is removed from {@code target} (by the guard of
     * {@link OwnedFolders}) before the error is thrown: a copy without its manifest never counts
     * anyway, and leaves nothing behind.
     */
    public static long write(Path backupDir, String instance, RepositoryConfig target) throws IOException {
        Manifest manifest = Manifest.read(backupDir);
        if (manifest.stream() == null) {
            throw new IOException("backup " + manifest.id() + " is not a stream of chunk objects (format "
                    + manifest.format() + "): it cannot be copied into " + target.url());
        }
        Storage from = RepositoryStores.storeAt(manifest.stream().repository());
        Storage to = RepositoryStores.storeAt(target.url());
        String prefix = instance + "/" + manifest.id();
        try {
            long bytes = 0;
            for (Chunk c : manifest.stream().chunks()) {
                bytes += copyChunk(from, to, c);
            }
            StoreCopy.upload(to, prefix, backupDir, manifest.copyIn(target.url()), RepositoryStores.encryptor());
            return bytes;
        } catch (IOException | RuntimeException e) {
            try {
                OwnedFolders.deleteBackup(to, instance, manifest.id());
            } catch (IOException left) {
                e.addSuppressed(left);
            }
            throw e;
        }
    }

    /**
     * Removes backup {@code id}'s copy in {@code repository} (its retention said so), through the
     * guards of {@link OwnedFolders} only: the primary's copy is the backup's own folder (and its
     * objects where its manifest says they lie); a further copy is its objects in that
     * repository, and the folder its small files were fetched into for reading, if any.
     *
     * @throws OwnedFolders.Refused when what is there is not provably one of our backups
     */
    public static void remove(BackupConfig config, String id, RepositoryConfig repository) throws IOException {
        if (repository.url().equals(config.repository().url())) {
            OwnedFolders.deleteBackup(config.instanceDir(), id);
            return;
        }
        OwnedFolders.deleteBackup(RepositoryStores.storeAt(repository.url()), config.instance(), id);
        Path fetched = CopyFolders.scratch(config).resolve(repository.name());
        if (Files.isDirectory(fetched.resolve(id))) {
            OwnedFolders.deleteBackup(fetched, id);
        }
    }

    private static long copyChunk(Storage from, Storage to, Chunk c) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = new CheckedInputStream(from.get(c.key()), crc)) {
            to.put(c.key(), in);
        }
        if (crc.getValue() != c.crc32c()) {
            throw new IOException("chunk " + c.key() + " in " + from.describe() + " has CRC32C "
                    + Chunk.hex(crc.getValue()) + " but the manifest says " + Chunk.hex(c.crc32c())
                    + ": not copied (verify the backup)");
        }
        return c.size();
    }
}
