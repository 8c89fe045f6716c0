package org.backupscheduler.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and keys from the PEM files that {@code tls:} names, read by the JDK: X.509
 * through {@link CertificateFactory}, keys as unencrypted PKCS#8 through {@link KeyFactory}.
 * The PEM armour (base64 between BEGIN/END lines) is all that is decoded here.
 */
public final class PemFiles {
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemFiles() {
    }

    /** Every certificate of the file, in order (a CA bundle, or a certificate and its chain). */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in it");
        }
        return certs;
    }

    /** The PEM type of the file's first block ("PRIVATE KEY", "RSA PRIVATE KEY", ...), or null. */
    public static String firstBlockType(Path file) throws IOException {
        Matcher m = BEGIN.matcher(Files.readString(file));
        return m.find() ? m.group(1) : null;
    }

    /**
     * The unencrypted PKCS#8 key of the file ({@code BEGIN PRIVATE KEY}, what {@code openssl req
     * -nodes} and {@code openssl genpkey} write); {@code algorithm} is its certificate's key
     * algorithm (RSA, EC, EdDSA).
     */
    public static PrivateKey privateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        Matcher m = PKCS8.matcher(Files.readString(file));
        if (!m.find()) {
            throw new GeneralSecurityException("no '-----BEGIN PRIVATE KEY-----' block in it");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
