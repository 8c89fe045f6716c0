package org.backupscheduler.sandbox;

import java.nio.file.Path;

/**
 * A sandbox server with TLS: its CA, certificate and key (PEM), and {@code
 * require_secure_transport=ON}, so that every TCP login must use TLS (a Unix socket counts as
 * secure and still works).
 */
public record SandboxTls(Path caFile, Path certFile, Path keyFile) {
}
