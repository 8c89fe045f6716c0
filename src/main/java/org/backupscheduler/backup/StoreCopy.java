package org.backupscheduler.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
        if (encryptor == null) {
            upload(store, prefix, backupDir);
            return;
        }
        List<Path> files;
        try (var walk = Files.walk(backupDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Path manifest = RepositoryLayout.manifest(backupDir);
        for (Path f : files) {
            byte[] sealed = OpenPgpChunks.encrypt(encryptor, Files.readAllBytes(f));
            store.put(prefix + "/" + FileChecksums.relative(backupDir, f) + ".pgp", new ByteArrayInputStream(sealed));
        }
        byte[] summary = Manifest.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(Manifest.read(backupDir)
                .summary());
        store.put(prefix + "/" + FileChecksums.relative(backupDir, manifest), new ByteArrayInputStream(summary));
    }

    static void upload(Storage store, String prefix, Path backupDir) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(backupDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Path manifest = RepositoryLayout.manifest(backupDir);
        for (Path f : files) {
            if (!f.equals(manifest)) {
                put(store, prefix, backupDir, f);
            }
        }
        put(store, prefix, backupDir, manifest);
    }

    private static void put(Storage store, String prefix, Path backupDir, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            store.put(prefix + "/" + FileChecksums.relative(backupDir, file), in);
        }
    }
}
