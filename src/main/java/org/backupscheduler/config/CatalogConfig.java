package org.backupscheduler.config;

import java.nio.file.Path;

/** {@code catalog:}: a JDBC URL (H2 file by default; MySQL/MariaDB for clustered mode). */
public record CatalogConfig(String url, String user, Path passwordFile) {
}
