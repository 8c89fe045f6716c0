package org.backupscheduler.storage;

import java.io.IOException;
import java.nio.file.Files;

import org.backupscheduler.config.ConfigException;
import org.backupscheduler.config.RepositoryConfig;
import org.backupscheduler.config.Secrets;

/** Opens the driver that {@code repository.url} names, reading its secret files (each must be 0600). */
public final class Storages {
    private Storages() {
    }

    public static Storage open(RepositoryConfig repo) throws IOException {
        RepositoryConfig.Location where = repo.location();
        if (where instanceof RepositoryConfig.Local l) {
            return new LocalStorage(l.path());
        }
        if (where instanceof RepositoryConfig.S3Bucket b) {
            RepositoryConfig.S3 s3 = repo.s3();
            String access = Secrets.fileSecret("repository.s3.access-key-file", s3.accessKeyFile()).strip();
            String secret = Secrets.fileSecret("repository.s3.secret-key-file", s3.secretKeyFile()).strip();
            return new S3Storage(new S3Storage.Target(s3.endpoint(), s3.region(), s3.pathStyle(), b.bucket(), b.prefix()),
                    access, secret);
        }
        RepositoryConfig.SftpFolder f = (RepositoryConfig.SftpFolder) where;
        RepositoryConfig.Sftp sftp = repo.sftp();
        Secrets.fileSecret("repository.sftp.identity-file", sftp.identityFile()); // exists, and 0600
        if (!Files.isRegularFile(sftp.knownHosts())) {
            throw new ConfigException("repository.sftp.known-hosts " + sftp.knownHosts() + " does not exist",
                    "write the server's host key there: ssh-keyscan -p " + f.port() + " " + f.host() + " > "
                            + sftp.knownHosts() + " (compare its fingerprint with the server's first)");
        }
        return SftpStorage.open(new SftpStorage.Target(f.user(), f.host(), f.port(), f.path(), sftp.identityFile(),
                sftp.knownHosts()));
    }
}
