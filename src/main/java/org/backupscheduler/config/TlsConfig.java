package org.backupscheduler.config;

import java.nio.file.Path;

/**
 * {@code tls:} of one connection (source, a replica, its primary, a server catalog). The same
 * five modes as MySQL's {@code --ssl-mode}; the files are PEM, as the server's own ssl-ca,
 * ssl-cert and ssl-key. Checked when the config is loaded ({@link TlsFiles}).
 */
public record TlsConfig(Mode mode, Path caFile, Path certFile, Path keyFile) {
    /** No {@code tls:} section: TLS whenever the server offers it, its certificate unchecked. */
    public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, null);

    public TlsConfig {
        mode = mode != null ? mode : Mode.PREFERRED;
    }

    public TlsConfig withMode(Mode newMode) {
        return new TlsConfig(newMode, caFile, certFile, keyFile);
    }

    public boolean hasClientCertificate() {
        return certFile != null && keyFile != null;
    }

    public enum Mode implements ConfigEnum {
        /** Never TLS. */
        DISABLED("disabled"),
        /** TLS when the server offers it, else plain; the certificate is not checked. */
        PREFERRED("preferred"),
        /** TLS or no connection; the certificate is not checked. */
        REQUIRED("required"),
        /** TLS, and the server's certificate must chain to ca-file. */
        VERIFY_CA("verify-ca"),
        /** As verify-ca, and the certificate must name the host connected to. */
        VERIFY_IDENTITY("verify-identity");

        private final String key;

        Mode(String key) {
            this.key = key;
        }

        @Override
        public String key() {
            return key;
        }

        /** The server's certificate is checked against ca-file. */
        public boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_IDENTITY;
        }
    }
}
