package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.server.Endpoint;

/**
 * A {@code [client]} option file holding the engine's credentials, so the password never
 * appears in any process's argv. It lives in a private 0700 directory, is 0600 from the moment
 * it exists, and is deleted (with its directory) on close.
 */
public final class CredentialsFile implements AutoCloseable {
    private final Path dir;
    private final Path file;

    private CredentialsFile(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    public static CredentialsFile write(Endpoint endpoint) throws IOException {
        Path dir = Files.createTempDirectory("bs-cred-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("client.cnf");
        // Created 0600 before a byte is written: there is no moment where it is readable by others.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, lines(endpoint));
        return new CredentialsFile(dir, file);
    }

    static List<String> lines(Endpoint endpoint) {
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
        return lines;
    }

    /** Option-file values may hold spaces, '#' and quotes: quote and escape them. */
    static String quote(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a password or user name cannot contain a line break");
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public Path path() {
        return file;
    }

    /** The option the engine needs; it must be the first argument. */
    public String option() {
        return "--defaults-extra-file=" + file;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
