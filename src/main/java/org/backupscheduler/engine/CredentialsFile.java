package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.config.TlsConfig;
import org.backupscheduler.server.Endpoint;

/**
 * A {@code [client]} option file holding the engine's credentials, so the password never
 * appears in any process's argv. It lives in a private 0700 directory, is 0600 from the moment
 * it exists, and is deleted (with its directory) on close.
 */
public final class CredentialsFile implements EngineCredentials, AutoCloseable {
    static final String PREFIX = "bs-cred-";
    private static final Pattern NAME = Pattern.compile(PREFIX + "(\\d+)-\\d+");
    private final Path dir;
    private final Path file;

    private CredentialsFile(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    /** For MariaDB's client programs (mariabackup, mariadb-binlog). */
    public static CredentialsFile write(Endpoint endpoint) throws IOException {
        return write(endpoint, Flavor.MARIABACKUP);
    }

    /** For the engine of {@code flavor}: its client library decides how TLS is spelled. */
    public static CredentialsFile write(Endpoint endpoint, Flavor flavor) throws IOException {
        // The pid in the name lets a later start find and remove a file left by a killed process.
        Path dir = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("client.cnf");
        // Created 0600 before a byte is written: there is no moment where it is readable by others.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, lines(endpoint, flavor));
        return new CredentialsFile(dir, file);
    }

    static List<String> lines(Endpoint endpoint) {
        return lines(endpoint, Flavor.MARIABACKUP);
    }

    static List<String> lines(Endpoint endpoint, Flavor flavor) {
        List<String> lines = new ArrayList<>();
        lines.add("[client]");
        lines.add("user=" + quote(endpoint.user()));
        if (endpoint.hasPassword()) {
            lines.add("password=" + quote(endpoint.password()));
        }
        if (endpoint.host() != null) {
            lines.add("host=" + endpoint.host());
            lines.add("port=" + endpoint.port());
        } else if (endpoint.socket() != null) {
            lines.add("socket=" + endpoint.socket());
        }
        lines.addAll(flavor == Flavor.XTRABACKUP ? mysqlTls(endpoint.tls()) : mariadbTls(endpoint.tls()));
        return lines;
    }

    /**
     * MariaDB 10.11's client library (measured with mariabackup and mariadb-binlog): TLS is on by
     * default and falls back to plain when the server has none; {@code ssl-ca} checks the
     * certificate's chain but still falls back; only {@code ssl-verify-server-cert} (which also
     * checks the host name) refuses a server without TLS. So {@code required} and {@code verify-ca}
     * cannot be insisted on here: the engine runs right after our own connection, which did
     * insist, proved the server offers TLS (docs/configuration.md says so).
     */
    static List<String> mariadbTls(TlsConfig tls) {
        List<String> lines = new ArrayList<>();
        switch (tls.mode()) {
            case DISABLED -> lines.add("skip-ssl");
            case PREFERRED -> { } // the library's default
            case REQUIRED -> lines.add("ssl");
            case VERIFY_CA -> lines.add("ssl-ca=" + quote(tls.caFile()));
            case VERIFY_IDENTITY -> {
                lines.add("ssl-ca=" + quote(tls.caFile()));
                lines.add("ssl-verify-server-cert");
            }
        }
        lines.addAll(clientCertificate(tls));
        return lines;
    }

    /** MySQL 8's client library (XtraBackup) has our five modes as {@code ssl-mode}. */
    static List<String> mysqlTls(TlsConfig tls) {
        List<String> lines = new ArrayList<>();
        if (tls.mode() != TlsConfig.Mode.PREFERRED) {
            lines.add("ssl-mode=" + tls.mode().name());
        }
        if (tls.mode().verifies()) {
            lines.add("ssl-ca=" + quote(tls.caFile()));
        }
        lines.addAll(clientCertificate(tls));
        return lines;
    }

    private static List<String> clientCertificate(TlsConfig tls) {
        if (tls.mode() == TlsConfig.Mode.DISABLED || !tls.hasClientCertificate()) {
            return List.of();
        }
        return List.of("ssl-cert=" + quote(tls.certFile()), "ssl-key=" + quote(tls.keyFile()));
    }

    private static String quote(Path file) {
        return quote(file.toAbsolutePath().toString());
    }

    /** Option-file values may hold spaces, '#' and quotes: quote and escape them. */
    static String quote(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a password, user name or file name cannot contain a line break");
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * A process killed by SIGKILL cannot delete its credentials file. Removes those whose process
     * is gone, so a password lasts on disk (0600, in a 0700 directory) only until the next start.
     * Returns how many were removed.
     */
    public static int removeAbandoned() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        int removed = 0;
        try (var dirs = Files.list(tmp)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                    Files.deleteIfExists(dir.resolve("client.cnf"));
                    Files.deleteIfExists(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            // Another process removed it first, or tmp is unreadable: nothing of ours to do.
        }
        return removed;
    }

    public Path path() {
        return file;
    }

    /** The option the engine needs; it must be the first argument. */
    @Override
    public String option() {
        return "--defaults-extra-file=" + file;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
