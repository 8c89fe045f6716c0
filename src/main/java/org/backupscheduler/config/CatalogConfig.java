package org.backupscheduler.config;

import java.nio.file.Path;

/**
 * {@code catalog:}: a JDBC URL (H2 file by default; MySQL/MariaDB for clustered mode), and for a
 * server catalog how to use TLS.
 */
public record CatalogConfig(String url, String user, Path passwordFile, TlsConfig tls) {
    public CatalogConfig {
        tls = tls != null ? tls : TlsConfig.DEFAULT;
    }
}
