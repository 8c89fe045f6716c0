package org.backupscheduler.crypto;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

import org.backupscheduler.config.ConfigException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * The public keys every new backup is encrypted to ({@code encryption.recipients}): any one of
 * their secret keys can read it. Each must be usable now: not revoked, not expired, and with a
 * valid encryption subkey (bindings checked by Bouncy Castle's {@link OpenPGPCertificate}). The
 * newest such subkey of each key is used, as gpg does.
 */
public final class Recipients {
    /** One recipient: the file it came from, its primary fingerprint and user id, the subkey used. */
    public record Recipient(Path file, String fingerprint, String userId, PGPPublicKey encryptionKey) {
        /** The subkey's 16-hex-digit key id, as an encrypted message names it. */
        public String encryptionKeyId() {
            return KeyNames.keyId(encryptionKey.getKeyID());
        }
    }

    private final List<Recipient> all;

    private Recipients(List<Recipient> all) {
        this.all = List.copyOf(all);
    }

    /** Every key in {@code files} (one file may hold several), checked at {@code now}. */
    public static Recipients load(List<Path> files, Instant now) {
        if (files.isEmpty()) {
            throw new ConfigException("encryption.recipients is empty",
                    "list at least one armored public key file (gpg --export --armor FINGERPRINT > FILE)");
        }
        List<Recipient> all = new ArrayList<>();
        for (Path file : files) {
            for (PGPPublicKeyRing ring : read(file)) {
                all.add(recipient(file, new OpenPGPCertificate(ring), Date.from(now)));
            }
        }
        return new Recipients(all);
    }

    public static Recipients load(List<Path> files) {
        return load(files, Instant.now());
    }

    public List<Recipient> all() {
        return all;
    }

    /** The primary fingerprints, in config order: what a backup records it was encrypted to. */
    public List<String> fingerprints() {
        return all.stream().map(Recipient::fingerprint).toList();
    }

    private static Recipient recipient(Path file, OpenPGPCertificate cert, Date now) {
        PGPPublicKey primary = cert.getPrimaryKey().getPGPPublicKey();
        String name = KeyNames.fingerprint(primary) + " (" + KeyNames.userId(primary) + ") in " + file;
        if (cert.getRevocation(now) != null) {
            throw new ConfigException("encryption.recipients: key " + name + " is revoked",
                    "remove it from encryption.recipients and add its replacement; backups made to it "
                            + "still restore while its secret key is in encryption.secret-key-file");
        }
        Date expiry = cert.getExpirationTime(now);
        if (expiry != null && !expiry.after(now)) {
            throw new ConfigException("encryption.recipients: key " + name + " expired on " + expiry.toInstant(),
                    "extend it (gpg --quick-set-expire " + KeyNames.fingerprint(primary) + " 2y, then the same "
                            + "with '*' after 2y for its subkeys) and export it again to " + file + ", or replace it");
        }
        OpenPGPComponentKey newest = cert.getEncryptionKeys(now).stream()
                .max(Comparator.comparing(OpenPGPComponentKey::getCreationTime)).orElse(null);
        if (newest == null) {
            throw new ConfigException("encryption.recipients: key " + name
                    + " has no valid encryption subkey (expired, revoked, or never made)",
                    "add one (gpg --quick-add-key " + KeyNames.fingerprint(primary) + " cv25519 encr 2y), "
                            + "export the public key again, or use another key");
        }
        return new Recipient(file, KeyNames.fingerprint(primary), KeyNames.userId(primary), newest.getPGPPublicKey());
    }

    private static List<PGPPublicKeyRing> read(Path file) {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new BufferedInputStream(Files.newInputStream(file)))) {
            BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
            for (Object o = objects.nextObject(); o != null; o = objects.nextObject()) {
                if (o instanceof PGPPublicKeyRing ring) {
                    rings.add(ring);
                } else if (o instanceof PGPSecretKeyRing) {
                    throw new ConfigException("encryption.recipients: " + file + " holds a secret key; "
                            + "the backup host needs the public key only",
                            "export the public key (gpg --export --armor FINGERPRINT > " + file
                                    + ") and keep the secret key off this host, or only in encryption.secret-key-file");
                } else {
                    throw new ConfigException("encryption.recipients: " + file + " holds "
                            + o.getClass().getSimpleName() + ", not a public key", "gpg --export --armor FINGERPRINT > "
                            + file);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException c) {
                throw c;
            }
            throw new ConfigException("encryption.recipients: " + file + " is not an OpenPGP public key file ("
                    + e.getMessage() + ")", "gpg --export --armor FINGERPRINT > " + file);
        }
        if (rings.isEmpty()) {
            throw new ConfigException("encryption.recipients: " + file + " holds no public key",
                    "gpg --export --armor FINGERPRINT > " + file);
        }
        return rings;
    }
}
