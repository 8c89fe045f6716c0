package org.backupscheduler.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What the YAML's types cannot check, checked as the config is read so that every command
 * refuses a bad config before it does anything: the restore drill's schedule, the verification
 * levels, the metrics address, ports, datadirs, each replica's primary and option file, and every password the config
 * names (its file or variable is read and the value dropped: a command that needs it later
 * will not fail half-way).
 */
final class ConfigChecks {
    /** The words of verify.after-backup (verify.Level, which config cannot import, has the same). */
    static final List<String> LEVELS = List.of("structure", "checksum", "prepare", "deep");

    private ConfigChecks() {
    }

    /** The values of the file itself. */
    static void values(BackupConfig c, Path file) {
        try {
            c.deepSchedule();
            c.metrics().port();
            for (String level : c.verify().afterBackup()) {
                if (!LEVELS.contains(level)) {
                    throw new ConfigValueException("verify.after-backup", level, "not a verification level",
                            "use " + String.join(", ", LEVELS));
                }
            }
            port("source.port", c.source().port());
            absolute("source.datadir", c.source().datadir());
            if (c.source().ssh() != null) {
                port("source.ssh.port", c.source().ssh().port());
                absolute("source.ssh.identity-file", c.source().ssh().identityFile());
                absolute("source.ssh.known-hosts", c.source().ssh().knownHosts());
            }
            c.replicas().forEach((name, r) -> {
                port("replicas." + name + ".port", r.port());
                if (r.ssh() != null) {
                    port("replicas." + name + ".ssh.port", r.ssh().port());
                    absolute("replicas." + name + ".ssh.identity-file", r.ssh().identityFile());
                    absolute("replicas." + name + ".ssh.known-hosts", r.ssh().knownHosts());
                }
                // A restore moves the datadir aside: never one resolved against whatever folder the command ran in.
                absolute("replicas." + name + ".datadir", r.datadir());
                absolute("replicas." + name + ".defaults-file", r.defaultsFile());
                if (r.defaultsFile() != null && !java.nio.file.Files.isReadable(r.defaultsFile())) {
                    throw new ConfigValueException("replicas." + name + ".defaults-file", r.defaultsFile().toString(),
                            "no readable file there", "give the replica's option file (such as /etc/mysql/my.cnf), "
                                    + "or remove the key");
                }
                if (r.primary() != null) {
                    String key = "replicas." + name + ".primary";
                    required(r.primary().host(), key + ".host", file);
                    required(r.primary().user(), key + ".user", file);
                    port(key + ".port", r.primary().port());
                }
            });
        } catch (ConfigValueException e) {
            throw e.in(file);
        }
    }

    /**
     * Every password source the config names: a file that exists, is readable by this user and by
     * no one else, or a variable that is set; never both for one account. The same for the
     * repository's S3 key files and SSH identity, and its known-hosts file must exist.
     */
    static void passwords(BackupConfig c, Secrets secrets) {
        SourceConfig s = c.source();
        secrets.password("source", s.passwordFile(), s.passwordEnv());
        c.replicas().forEach((name, r) -> {
            secrets.password("replicas." + name, r.passwordFile(), r.passwordEnv());
            if (r.primary() != null) {
                secrets.password("replicas." + name + ".primary", r.primary().passwordFile(),
                        r.primary().passwordEnv());
            }
        });
        secrets.password("catalog", c.catalog().passwordFile(), null);
        SshConfig ssh = s.ssh();
        if (ssh != null) {
            Secrets.fileSecret("source.ssh.identity-file", ssh.identityFile()); // exists, and 0600
            if (!java.nio.file.Files.isRegularFile(ssh.knownHosts())) {
                throw new ConfigException("source.ssh.known-hosts " + ssh.knownHosts() + " does not exist",
                        "write the database host's key there: ssh-keyscan -p " + ssh.port() + " " + ssh.host() + " > "
                                + ssh.knownHosts() + " (compare its fingerprint with the host's first)");
            }
        }
        // The repository's keys (docs/storage.md): the store driver reads them again when it opens.
        for (RepositoryConfig repo : c.copies()) {
            String key = c.repositories().isEmpty() ? "repository" : "repositories." + repo.name();
            if (repo.location() instanceof RepositoryConfig.S3Bucket) {
                Secrets.fileSecret(key + ".s3.access-key-file", repo.s3().accessKeyFile());
                Secrets.fileSecret(key + ".s3.secret-key-file", repo.s3().secretKeyFile());
            } else if (repo.location() instanceof RepositoryConfig.SftpFolder f) {
                Secrets.fileSecret(key + ".sftp.identity-file", repo.sftp().identityFile());
                if (!java.nio.file.Files.isRegularFile(repo.sftp().knownHosts())) {
                    throw new ConfigException(key + ".sftp.known-hosts " + repo.sftp().knownHosts()
                            + " does not exist", "write the server's host key there: ssh-keyscan -p " + f.port() + " "
                            + f.host() + " > " + repo.sftp().knownHosts()
                            + " (compare its fingerprint with the server's first)");
                }
            }
        }
    }

    private static void absolute(String key, Path path) {
        if (path != null && !path.isAbsolute()) {
            throw new ConfigValueException(key, path.toString(), "must be an absolute path", "write the full path");
        }
    }

    private static void port(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new ConfigValueException(key, String.valueOf(port), "not a TCP port (1 to 65535)", "fix " + key);
        }
    }

    private static void required(String value, String key, Path file) {
        if (value == null || value.isBlank()) {
            throw new ConfigException("missing required key '" + key + "' in " + file,
                    "add " + key + " (docs/configuration.md)");
        }
    }
}
