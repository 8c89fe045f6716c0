package org.backupscheduler.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.crypto.Encryptor;
import org.backupscheduler.storage.Storage;

/**
 * The small files of a streamed backup's local folder (the engine's metadata, its log, the
 * manifest) put beside its chunks, so the repository alone holds the whole backup. The manifest
 * goes last: it is the commit marker, and a reader that finds it finds everything it names.
 */
final class StoreCopy {
    private StoreCopy() {
    }

    /**
     * Encrypted ({@code encryptor} not null): every file as one OpenPGP message named
     * {@code <file>.pgp}, the full manifest too, and last a cleartext {@link Manifest#summary}.
     */
    static void upload(Storage store, String prefix, Path backupDir, Encryptor encryptor) throws IOException {
        upload(store, prefix, backupDir, Manifest.read(backupDir), encryptor);
    }

    /**
     * As {@link #upload(Storage, String, Path, Encryptor)}, with {@code manifest} as the manifest
     * (a copy's own, naming its repository) instead of the folder's file; the folder's
     * {@code chunks/} (a local repository's chunk objects) is not among the small files.
     */
    static void upload(Storage store, String prefix, Path backupDir, Manifest manifest, Encryptor encryptor)
            throws IOException {
        Path manifestFile = RepositoryLayout.manifest(backupDir);
        Path chunks = backupDir.resolve("chunks");
        List<Path> files;
        try (var walk = Files.walk(backupDir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.startsWith(chunks) && !f.equals(manifestFile))
                    .sorted().toList();
        }
        String manifestKey = prefix + "/" + RepositoryLayout.MANIFEST;
        byte[] full = Manifest.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        for (Path f : files) {
            byte[] content = Files.readAllBytes(f);
            String key = prefix + "/" + FileChecksums.relative(backupDir, f);
            if (encryptor == null) {
                store.put(key, new ByteArrayInputStream(content));
            } else {
                store.put(key + ".pgp", new ByteArrayInputStream(OpenPgpChunks.encrypt(encryptor, content)));
            }
        }
        if (encryptor == null) {
            store.put(manifestKey, new ByteArrayInputStream(full));
            return;
        }
        store.put(manifestKey + ".pgp", new ByteArrayInputStream(OpenPgpChunks.encrypt(encryptor, full)));
        byte[] summary = Manifest.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest.summary());
        store.put(manifestKey, new ByteArrayInputStream(summary));
    }
}
