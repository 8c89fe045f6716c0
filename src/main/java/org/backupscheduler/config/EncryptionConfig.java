package org.backupscheduler.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * {@code encryption:} (docs/encryption.md). {@code recipients} are armored OpenPGP public keys:
 * every backup is encrypted to all of them, so a host with only these can back up but not read
 * a backup. {@code secret-key-file} (one file or a list, for keys rotated out that old backups
 * still need) and {@code passphrase-file} (one for all keys, or one per key file in the same
 * order) are needed only to verify past structure and to restore; both must be 0600. Each key
 * may be given as one path or a list.
 */
public record EncryptionConfig(
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Path> recipients,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Path> secretKeyFile,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Path> passphraseFile) {

    /** No {@code encryption:} section: backups are stored as the engine wrote them (compressed only). */
    public static final EncryptionConfig NONE = new EncryptionConfig(null, null, null);

    public EncryptionConfig {
        recipients = recipients != null ? List.copyOf(recipients) : List.of();
        secretKeyFile = secretKeyFile != null ? List.copyOf(secretKeyFile) : List.of();
        passphraseFile = passphraseFile != null ? List.copyOf(passphraseFile) : List.of();
    }

    /** New backups are encrypted: at least one recipient is configured. */
    public boolean enabled() {
        return !recipients.isEmpty();
    }

    /** This host can decrypt: verify past structure, restore. */
    public boolean canDecrypt() {
        return !secretKeyFile.isEmpty();
    }

    /**
     * The files exist, secrets are 0600, passphrase files pair with key files. The keys
     * themselves are read by the crypto package (expiry, revocation, a wrong passphrase).
     */
    public void check(Path configFile) {
        for (Path r : recipients) {
            if (!Files.isRegularFile(r)) {
                throw new ConfigException("encryption.recipients: " + r + " (in " + configFile
                        + ") does not exist or is not a file",
                        "export the public key there: gpg --export --armor FINGERPRINT > " + r);
            }
        }
        if (!passphraseFile.isEmpty() && secretKeyFile.isEmpty()) {
            throw new ConfigException("encryption.passphrase-file is set but encryption.secret-key-file is not, in "
                    + configFile, "set encryption.secret-key-file, or remove encryption.passphrase-file");
        }
        if (passphraseFile.size() > 1 && passphraseFile.size() != secretKeyFile.size()) {
            throw new ConfigException("encryption.passphrase-file lists " + passphraseFile.size()
                    + " files but encryption.secret-key-file lists " + secretKeyFile.size() + ", in " + configFile,
                    "give one passphrase file for all keys, or one per key file in the same order");
        }
        for (Path f : secretKeyFile) {
            requirePrivate("encryption.secret-key-file", f, "gpg --export-secret-keys --armor FINGERPRINT");
        }
        for (Path f : passphraseFile) {
            requirePrivate("encryption.passphrase-file", f, "the passphrase on one line");
            readPassphrase(f); // read and dropped, as every password of the config: no failure half-way later
        }
    }

    /** The passphrase file of {@code secretKeyFile.get(index)}, or null when none is configured. */
    public Path passphraseFileFor(int index) {
        if (passphraseFile.isEmpty()) {
            return null;
        }
        return passphraseFile.size() == 1 ? passphraseFile.get(0) : passphraseFile.get(index);
    }

    /** The passphrase (first line) of {@code file}; refused when others may read it. */
    public static String readPassphrase(Path file) {
        return Secrets.readFile("encryption.passphrase-file", file);
    }

    /** A file holding a secret exists, and no one but its owner may read or write it ({@link Secrets#requirePrivate}). */
    public static void requirePrivate(String key, Path file, String content) {
        Secrets.requirePrivate(key, file, content);
    }
}
