package org.backupscheduler.crypto;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.backupscheduler.config.ConfigException;
import org.backupscheduler.config.EncryptionConfig;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * The secret keys that decrypt backups ({@code encryption.secret-key-file}, several files when
 * keys were rotated), unlocked once when loaded: a wrong passphrase is reported before any
 * object is fetched. Expired or revoked keys still decrypt: old backups need them.
 */
public final class Keyring {
    /** One unlocked secret key that can decrypt: a subkey (or primary) and the key it belongs to. */
    record Entry(PGPPrivateKey key, String keyId, String fingerprint, String userId, Path file) {
    }

    private final Map<Long, Entry> byKeyId;

    private Keyring(Map<Long, Entry> byKeyId) {
        this.byKeyId = byKeyId;
    }

    /** Reads and unlocks every key file of {@code config}; files must be 0600. */
    public static Keyring load(EncryptionConfig config) {
        if (!config.canDecrypt()) {
            throw new ConfigException("encryption.secret-key-file is not set on this host",
                    "set it (and encryption.passphrase-file) to the secret key file, mode 600: "
                            + "gpg --export-secret-keys --armor FINGERPRINT > FILE");
        }
        Map<Long, Entry> byKeyId = new LinkedHashMap<>();
        for (int i = 0; i < config.secretKeyFile().size(); i++) {
            Path file = config.secretKeyFile().get(i);
            EncryptionConfig.requirePrivate("encryption.secret-key-file", file,
                    "the secret key (gpg --export-secret-keys --armor FINGERPRINT)");
            Path passFile = config.passphraseFileFor(i);
            String passphrase = passFile != null ? EncryptionConfig.readPassphrase(passFile) : null;
            int before = byKeyId.size();
            for (PGPSecretKeyRing ring : read(file)) {
                unlock(ring, file, passFile, passphrase, byKeyId);
            }
            if (byKeyId.size() == before) {
                throw new ConfigException("encryption.secret-key-file " + file + " holds no secret key that can "
                        + "decrypt (no encryption subkey, or only a stub)",
                        "export the full secret key: gpg --export-secret-keys --armor FINGERPRINT > " + file);
            }
        }
        return new Keyring(byKeyId);
    }

    /** The unlocked key with this 64-bit key id, or null. */
    Entry find(long keyId) {
        return byKeyId.get(keyId);
    }

    Collection<Entry> entries() {
        return byKeyId.values();
    }

    /** The primary fingerprints of the keys held, in file order. */
    public List<String> fingerprints() {
        return byKeyId.values().stream().map(Entry::fingerprint).distinct().toList();
    }

    /** "FPR (user id; key ids A, B)" for each key: what an error shows next to a message's key ids. */
    public String describe() {
        Map<String, List<Entry>> byKey = byKeyId.values().stream()
                .collect(Collectors.groupingBy(Entry::fingerprint, LinkedHashMap::new, Collectors.toList()));
        List<String> parts = new ArrayList<>();
        byKey.forEach((fpr, entries) -> parts.add(fpr + " (" + entries.get(0).userId() + "; key ids "
                + entries.stream().map(Entry::keyId).collect(Collectors.joining(", ")) + ")"));
        return String.join(", ", parts);
    }

    private static void unlock(PGPSecretKeyRing ring, Path file, Path passFile, String passphrase,
                               Map<Long, Entry> into) {
        PGPPublicKey primary = ring.getPublicKey();
        String fingerprint = KeyNames.fingerprint(primary);
        for (PGPSecretKey secret : ring) {
            if (!secret.getPublicKey().isEncryptionKey() || secret.isPrivateKeyEmpty()) {
                continue; // a signing-only key, or a stub (gpg --export-secret-subkeys leaves the primary out)
            }
            PGPPrivateKey key;
            try {
                key = secret.extractPrivateKey(secret.getS2KUsage() == SecretKeyPacket.USAGE_NONE ? null
                        : new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                        .build(passphrase != null ? passphrase.toCharArray() : new char[0]));
            } catch (PGPException e) {
                if (passFile == null) {
                    throw new ConfigException("encryption.secret-key-file " + file + ": key " + fingerprint
                            + " is protected by a passphrase but encryption.passphrase-file is not set",
                            "write its passphrase into a file (mode 600) and set encryption.passphrase-file");
                }
                throw new ConfigException("encryption.passphrase-file " + passFile + " does not unlock key "
                        + fingerprint + " (" + KeyNames.userId(primary) + ") in " + file + ": wrong passphrase",
                        "write that key's passphrase on the first line of " + passFile + "; keys with different "
                                + "passphrases take one passphrase file each, listed in the order of the key files");
            }
            into.putIfAbsent(secret.getKeyID(), new Entry(key, KeyNames.keyId(secret.getKeyID()), fingerprint,
                    KeyNames.userId(primary), file));
        }
    }

    private static List<PGPSecretKeyRing> read(Path file) {
        List<PGPSecretKeyRing> rings = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new BufferedInputStream(Files.newInputStream(file)))) {
            new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator()).forEach(rings::add);
        } catch (IOException | PGPException | RuntimeException e) {
            throw new ConfigException("encryption.secret-key-file " + file + " is not an OpenPGP secret key file ("
                    + e.getMessage() + ")", "gpg --export-secret-keys --armor FINGERPRINT > " + file);
        }
        if (rings.isEmpty()) {
            throw new ConfigException("encryption.secret-key-file " + file + " holds no secret key",
                    "gpg --export-secret-keys --armor FINGERPRINT > " + file);
        }
        return rings;
    }
}
