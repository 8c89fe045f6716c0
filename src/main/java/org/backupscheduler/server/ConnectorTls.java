package org.backupscheduler.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.backupscheduler.UserError;
import org.backupscheduler.config.PemFiles;
import org.backupscheduler.config.TlsConfig;

/**
 * A {@code tls:} section in Connector/J's words: {@code sslMode}, and the PEM files as the
 * PKCS#12 trust and client stores it wants (it reads no PEM), built by the JDK's
 * {@link KeyStore} in memory and served by {@link InMemoryKeyStores}.
 *
 * <p>{@code allowPublicKeyRetrieval} is never set. It lets a MySQL 8 server send the RSA key the
 * password is then encrypted with; without TLS nothing authenticates that key, so whoever sits
 * between us and the server can hand over its own and read the password. Over TLS it is not
 * needed at all: the password travels inside the encrypted channel.
 */
final class ConnectorTls {
    /** Stores of each section, rebuilt when one of its files changes (a renewed certificate). */
    private static final Map<TlsConfig, Stores> STORES = new ConcurrentHashMap<>();

    private ConnectorTls() {
    }

    /**
     * The properties for a connection over TCP, or over a Unix socket: there {@code preferred}
     * means plain, as the socket never leaves the host (and the server counts it as secure
     * transport); a mode that insists on TLS is honoured on a socket too.
     */
    static Properties properties(TlsConfig tls, boolean viaSocket) {
        TlsConfig.Mode mode = viaSocket && tls.mode() == TlsConfig.Mode.PREFERRED ? TlsConfig.Mode.DISABLED
                : tls.mode();
        Properties p = new Properties();
        // Our enum's names are Connector/J's sslMode values.
        p.setProperty("sslMode", mode.name());
        // Only the configured CA and certificate count, never a JVM-wide javax.net.ssl.* store.
        p.setProperty("fallbackToSystemTrustStore", "false");
        p.setProperty("fallbackToSystemKeyStore", "false");
        if (mode == TlsConfig.Mode.DISABLED || !mode.verifies() && !tls.hasClientCertificate()) {
            return p;
        }
        Stores stores = stores(tls);
        if (mode.verifies()) {
            p.setProperty("trustCertificateKeyStoreUrl", stores.trustUrl());
            p.setProperty("trustCertificateKeyStoreType", "PKCS12");
            p.setProperty("trustCertificateKeyStorePassword", stores.password());
        }
        if (stores.keyUrl() != null) {
            p.setProperty("clientCertificateKeyStoreUrl", stores.keyUrl());
            p.setProperty("clientCertificateKeyStoreType", "PKCS12");
            p.setProperty("clientCertificateKeyStorePassword", stores.password());
        }
        return p;
    }

    private static Stores stores(TlsConfig tls) {
        List<FileTime> stamp = stamp(tls);
        return STORES.compute(tls, (key, old) -> {
            if (old != null && old.stamp().equals(stamp)) {
                return old;
            }
            if (old != null) {
                InMemoryKeyStores.remove(old.trustUrl());
                InMemoryKeyStores.remove(old.keyUrl());
            }
            return build(tls, stamp);
        });
    }

    private static Stores build(TlsConfig tls, List<FileTime> stamp) {
        String password = UUID.randomUUID().toString();
        try {
            String trustUrl = null;
            if (tls.caFile() != null) {
                KeyStore trust = empty();
                int i = 0;
                for (X509Certificate ca : PemFiles.certificates(tls.caFile())) {
                    trust.setCertificateEntry("ca" + i++, ca);
                }
                trustUrl = InMemoryKeyStores.put(serialize(trust, password));
            }
            String keyUrl = null;
            if (tls.hasClientCertificate()) {
                List<X509Certificate> chain = PemFiles.certificates(tls.certFile());
                KeyStore keys = empty();
                keys.setKeyEntry("client", PemFiles.privateKey(tls.keyFile(), chain.get(0).getPublicKey().getAlgorithm()),
                        password.toCharArray(), chain.toArray(new X509Certificate[0]));
                keyUrl = InMemoryKeyStores.put(serialize(keys, password));
            }
            return new Stores(trustUrl, keyUrl, password, stamp);
        } catch (IOException | GeneralSecurityException e) {
            // The files were checked when the config was loaded: they changed since.
            throw new UserError("the TLS files " + files(tls) + " cannot be read now: " + e.getMessage(),
                    "they changed since the config was checked: PEM certificates and an unencrypted PKCS#8 key "
                            + "(mode 600) are needed",
                    UserError.USAGE, e);
        }
    }

    private static KeyStore empty() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static byte[] serialize(KeyStore store, String password) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password.toCharArray());
        return out.toByteArray();
    }

    private static List<FileTime> stamp(TlsConfig tls) {
        List<FileTime> times = new ArrayList<>();
        for (Path f : new Path[] {tls.caFile(), tls.certFile(), tls.keyFile()}) {
            try {
                times.add(f == null ? null : Files.getLastModifiedTime(f));
            } catch (IOException e) {
                times.add(null); // build() says what is wrong with it
            }
        }
        return times;
    }

    private static String files(TlsConfig tls) {
        List<String> names = new ArrayList<>();
        for (Path f : new Path[] {tls.caFile(), tls.certFile(), tls.keyFile()}) {
            if (f != null) {
                names.add(f.toString());
            }
        }
        return String.join(", ", names);
    }

    private record Stores(String trustUrl, String keyUrl, String password, List<FileTime> stamp) {
    }
}
