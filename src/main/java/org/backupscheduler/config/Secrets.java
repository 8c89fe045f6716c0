package org.backupscheduler.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a password from a 0600 file or an environment variable. Never from the command line,
 * never logged: a secret file anyone else can read is refused, because it already leaked.
 */
public final class Secrets {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Map<String, String> env;

    public Secrets(Map<String, String> env) {
        this.env = env;
    }

    public static Secrets fromEnvironment() {
        return new Secrets(System.getenv());
    }

    /**
     * The password named by {@code <key>.password-file} or {@code <key>.password-env}; empty when
     * neither is set (socket or passwordless authentication).
     */
    public String password(String key, Path file, String envName) {
        if (file != null && envName != null) {
            throw new ConfigException(key + ".password-file and " + key + ".password-env are both set",
                    "keep one of them");
        }
        if (file != null) {
            return readFile(key + ".password-file", file);
        }
        if (envName != null) {
            String value = env.get(envName);
            if (value == null) {
                throw new ConfigException(key + ".password-env names " + envName + ", which is not set",
                        "export " + envName + " in the service's environment, or use " + key + ".password-file");
            }
            return value;
        }
        return "";
    }

    /**
     * The first line of the secret file that config key {@code key} names (an S3 key, an SSH
     * identity); refused unless only its owner can read it.
     */
    public static String fileSecret(String key, Path file) {
        return readFile(key, file);
    }

    static String readFile(String key, Path file) {
        requirePrivate(key, file, "the secret on one line");
        try {
            String text = Files.readString(file);
            int eol = text.indexOf('\n');
            String line = eol >= 0 ? text.substring(0, eol) : text;
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            throw new ConfigException(key + " " + file + " cannot be read: " + e.getMessage(),
                    "make it readable by the user running backup-scheduler (mode 600)");
        }
    }

    /**
     * A file holding a secret (a password, a key, a passphrase) exists, and no one but its owner may
     * read or write it; {@code content} says what belongs in it, for the hint.
     */
    public static void requirePrivate(String key, Path file, String content) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key + " " + file + " does not exist or is not a file",
                    "create it with mode 600 (install -m 600 /dev/null " + file + ") and write " + content + " into it");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> leaked = EnumSet.copyOf(OTHERS);
            leaked.retainAll(perms);
            if (!leaked.isEmpty()) {
                throw new ConfigException(key + " " + file + " is readable by others (mode "
                        + PosixFilePermissions.toString(perms) + ")", "chmod 600 " + file);
            }
            if (!Files.isReadable(file)) {
                throw new IOException("permission denied");
            }
        } catch (IOException e) {
            throw new ConfigException(key + " " + file + " cannot be read: " + e.getMessage(),
                    "make it readable by the user running backup-scheduler (mode 600)");
        }
    }
}
