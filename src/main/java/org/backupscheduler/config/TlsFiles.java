package org.backupscheduler.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@code tls:} section when the config is loaded, so that a missing CA, a key others
 * can read or a key Java cannot read stops the command with exit 2 before anything connects,
 * instead of a handshake error in the middle of a backup or a restore.
 */
final class TlsFiles {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private TlsFiles() {
    }

    /** {@code key} is where the section is, such as {@code replicas.r1.primary.tls}. */
    static void check(String key, TlsConfig tls, Path configFile) {
        String mode = key + ".mode " + tls.mode().key();
        if (tls.mode().verifies() && tls.caFile() == null) {
            throw new ConfigException(mode + " needs " + key + ".ca-file in " + configFile,
                    "set " + key + ".ca-file to the CA certificate (PEM) that signed the server's certificate, "
                            + "or use mode: required (encrypted, certificate not checked)");
        }
        if (!tls.mode().verifies() && tls.caFile() != null) {
            // A CA that is silently not used would look like verification to whoever reads the file.
            throw new ConfigException(key + ".ca-file is set but " + mode + " does not check the server's "
                    + "certificate in " + configFile, "set " + key + ".mode: verify-ca (or verify-identity), "
                    + "or remove " + key + ".ca-file");
        }
        if ((tls.certFile() == null) != (tls.keyFile() == null)) {
            String set = tls.certFile() != null ? "cert-file" : "key-file";
            String missing = tls.certFile() != null ? "key-file" : "cert-file";
            throw new ConfigException(key + "." + set + " is set without " + key + "." + missing + " in "
                    + configFile, "a client certificate needs its key: set both, or neither");
        }
        if (tls.mode() == TlsConfig.Mode.DISABLED && tls.certFile() != null) {
            throw new ConfigException(key + ".cert-file is set but " + mode + " never uses TLS in " + configFile,
                    "set " + key + ".mode: required (or verify-ca), or remove the client certificate");
        }
        if (tls.caFile() != null) {
            certificates(key + ".ca-file", tls.caFile());
        }
        if (tls.certFile() != null) {
            X509Certificate cert = certificates(key + ".cert-file", tls.certFile()).get(0);
            privateKey(key + ".key-file", tls.keyFile(), cert.getPublicKey().getAlgorithm());
        }
    }

    private static List<X509Certificate> certificates(String key, Path file) {
        readable(key, file);
        try {
            return PemFiles.certificates(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key + " " + file + " holds no readable PEM certificate: " + e.getMessage(),
                    "it must hold '-----BEGIN CERTIFICATE-----' blocks; 'openssl x509 -in " + file
                            + " -noout -subject' shows whether it does");
        }
    }

    private static void privateKey(String key, Path file, String algorithm) {
        readable(key, file);
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> leaked = EnumSet.copyOf(GROUP_OR_OTHERS);
            leaked.retainAll(perms);
            if (!leaked.isEmpty()) {
                throw new ConfigException(key + " " + file + " is readable by others (mode "
                        + PosixFilePermissions.toString(perms) + ")", "chmod 600 " + file);
            }
            String type = PemFiles.firstBlockType(file);
            if (type != null && !type.equals("PRIVATE KEY")) {
                // PKCS#1 (RSA PRIVATE KEY), SEC1 (EC PRIVATE KEY) or encrypted: the JDK reads unencrypted PKCS#8.
                throw new ConfigException(key + " " + file + " is a '" + type + "' PEM block; an unencrypted "
                        + "PKCS#8 key ('PRIVATE KEY') is needed", "convert it once: openssl pkcs8 -topk8 -nocrypt -in "
                        + file + " -out " + file + ".pk8 && chmod 600 " + file + ".pk8, and point " + key + " at it");
            }
            PemFiles.privateKey(file, algorithm);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key + " " + file + " holds no readable " + algorithm + " private key: "
                    + e.getMessage(), "it must hold the unencrypted PKCS#8 key ('-----BEGIN PRIVATE KEY-----') of "
                    + "cert-file");
        }
    }

    private static void readable(String key, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(key + " " + file + " does not exist or is not a readable file",
                    "give the path of a PEM file readable by the user running backup-scheduler");
        }
    }
}
