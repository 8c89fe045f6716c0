package org.backupscheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.Properties;

import org.backupscheduler.config.PemFiles;
import org.backupscheduler.config.TlsConfig;
import org.backupscheduler.config.TlsConfig.Mode;
import org.backupscheduler.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Connector/J is given for each mode, and that its stores open as the URLs it is given. */
class ConnectorTlsTest {
    @TempDir
    static Path pki;
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.make(pki);
    }

    @Test
    void modesMapToSslModeAndAPublicKeyIsNeverFetched() {
        assertEquals("PREFERRED", ConnectorTls.properties(TlsConfig.DEFAULT, false).getProperty("sslMode"));
        assertEquals("REQUIRED", ConnectorTls.properties(new TlsConfig(Mode.REQUIRED, null, null, null), false)
                .getProperty("sslMode"));
        for (Mode mode : Mode.values()) {
            TlsConfig tls = new TlsConfig(mode, mode.verifies() ? certs.ca() : null, null, null);
            assertNull(ConnectorTls.properties(tls, false).getProperty("allowPublicKeyRetrieval"), mode.key());
            assertEquals("false", ConnectorTls.properties(tls, false).getProperty("fallbackToSystemTrustStore"));
        }
    }

    @Test
    void aSocketIsPlainUnlessTlsIsInsistedOn() {
        assertEquals("DISABLED", ConnectorTls.properties(TlsConfig.DEFAULT, true).getProperty("sslMode"));
        assertEquals("REQUIRED", ConnectorTls.properties(new TlsConfig(Mode.REQUIRED, null, null, null), true)
                .getProperty("sslMode"));
    }

    @Test
    void theCaAndTheClientCertificateAreStoresInMemory() throws Exception {
        Properties p = ConnectorTls.properties(new TlsConfig(Mode.VERIFY_CA, certs.ca(), certs.clientCert(),
                certs.clientKey()), false);

        assertEquals("VERIFY_CA", p.getProperty("sslMode"));
        String trustUrl = p.getProperty("trustCertificateKeyStoreUrl");
        assertTrue(trustUrl.startsWith("bs-keystore:/"), trustUrl);
        KeyStore trust = load(trustUrl, p.getProperty("trustCertificateKeyStorePassword"));
        X509Certificate ca = PemFiles.certificates(certs.ca()).get(0);
        assertEquals(ca, trust.getCertificate(Collections.list(trust.aliases()).get(0)));

        KeyStore keys = load(p.getProperty("clientCertificateKeyStoreUrl"),
                p.getProperty("clientCertificateKeyStorePassword"));
        assertTrue(keys.isKeyEntry("client"));
        assertEquals(PemFiles.certificates(certs.clientCert()).get(0), keys.getCertificate("client"));
    }

    @Test
    void aRenewedCertificateGivesNewStores() throws Exception {
        Path ca = pki.resolve("renewed-ca.pem");
        Files.copy(certs.ca(), ca);
        TlsConfig tls = new TlsConfig(Mode.VERIFY_CA, ca, null, null);
        String before = ConnectorTls.properties(tls, false).getProperty("trustCertificateKeyStoreUrl");
        assertEquals(before, ConnectorTls.properties(tls, false).getProperty("trustCertificateKeyStoreUrl"),
                "unchanged files: the same store");

        Files.setLastModifiedTime(ca, FileTime.from(Instant.now().plusSeconds(60)));
        String after = ConnectorTls.properties(tls, false).getProperty("trustCertificateKeyStoreUrl");

        assertNotEquals(before, after);
        assertFalse(opens(before), "the old store is dropped");
        assertTrue(opens(after));
    }

    private static KeyStore load(String url, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = URI.create(url).toURL().openStream()) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static boolean opens(String url) {
        try (InputStream in = URI.create(url).toURL().openStream()) {
            return in.read() >= 0;
        } catch (Exception e) {
            return false;
        }
    }
}
