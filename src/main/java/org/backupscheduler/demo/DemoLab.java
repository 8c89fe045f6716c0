package org.backupscheduler.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.sandbox.BackupAccount;
import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxServer;

/**
 * The demo's throw-away world under one temp directory: a primary and its replica, a backup
 * account with a random password in a 0600 file, a repository and a config pointing at them.
 * Closing it stops both servers and removes the directory (everything in it is ours).
 */
public final class DemoLab implements AutoCloseable {
    public static final String BACKUP_USER = "backup";

    private final Path home;
    private final ReplicationPair pair;
    private final Path config;
    private final Path replicaConfig;
    private final boolean keep;

    private DemoLab(Path home, ReplicationPair pair, Path config, Path replicaConfig, boolean keep) {
        this.home = home;
        this.pair = pair;
        this.config = config;
        this.replicaConfig = replicaConfig;
        this.keep = keep;
    }

    public static DemoLab start(PrintWriter out, boolean keep) throws IOException, SQLException {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "bs-demo-");
        ReplicationPair pair;
        try {
            pair = ReplicationPair.start("demo", home);
        } catch (IOException | SQLException | RuntimeException e) {
            PathUtils.deleteDirectory(home);
            throw e;
        }
        try {
            out.printf("  primary: mariadbd pid %d on 127.0.0.1:%d, datadir %s%n", pair.primary().pid(),
                    pair.primary().port(), pair.primary().datadir());
            out.printf("  replica: mariadbd pid %d on 127.0.0.1:%d, replicating by GTID%n", pair.replica().pid(),
                    pair.replica().port());
            String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
            BackupAccount.create(pair.primary(), BACKUP_USER, password);
            Path passwordFile = home.resolve("backup.password");
            Files.createFile(passwordFile,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password + "\n");
            Path replPassword = home.resolve("repl.password");
            Files.createFile(replPassword,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(replPassword, ReplicationPair.REPL_PASSWORD + "\n");
            Path config = home.resolve("backup.yml");
            // A short lock threshold so the pile-up step ends in seconds, not the default 30 s.
            ConfigTrust.write(config, configYaml("demo", home, pair.primary(), passwordFile)
                    + "locks:\n  interval: 1s\n  wait-threshold: 3s\n  action: kill-blocker\n"
                    + pair.replicaConfigYaml("replica1", replPassword, "datadir: " + pair.replica().datadir()));
            // The account replicates to the replica, so the same password file serves both.
            Path replicaConfig = home.resolve("replica-backup.yml");
            ConfigTrust.write(replicaConfig, configYaml("demo-replica", home, pair.replica(), passwordFile));
            return new DemoLab(home, pair, config, replicaConfig, keep);
        } catch (IOException | SQLException | RuntimeException e) {
            pair.close();
            PathUtils.deleteDirectory(home);
            throw e;
        }
    }

    /**
     * A config backing the primary up off the host: into {@code s3://BUCKET/offsite} at
     * {@code endpoint}, with the keys from 0600 files, the catalog and each backup's small local
     * folder under {@code state-dir}, and replica1 restorable from the store.
     */
    public Path writeOffHostConfig(URI endpoint, String bucket, List<Path> keyFiles) throws IOException {
        Path file = home.resolve("offhost.yml");
        String repository = String.join("\n",
                "state-dir: " + stateDir(),
                "repository:",
                "  url: s3://" + bucket + "/offsite",
                "  s3: {endpoint: '" + endpoint + "', region: us-east-1, path-style: true,",
                "       access-key-file: " + keyFiles.get(0) + ", secret-key-file: " + keyFiles.get(1) + "}",
                "  chunk-size: " + OFF_HOST_CHUNK_SIZE,
                "  upload-parallel: 4");
        String yaml = configYaml("demo", home, pair.primary(), home.resolve("backup.password"))
                .replace("repository: " + home.resolve("repo"), repository)
                + pair.replicaConfigYaml("replica1", home.resolve("repl.password"),
                        "datadir: " + pair.replica().datadir());
        ConfigTrust.write(file, yaml);
        return file;
    }

    /** Small chunks, so the demo's small backup shows as several objects. */
    public static final String OFF_HOST_CHUNK_SIZE = "4MiB";

    /** Where the off-host config keeps the catalog and each backup's local folder. */
    public Path stateDir() {
        return home.resolve("state");
    }

    static String configYaml(String instance, Path home, SandboxServer server, Path passwordFile) {
        return "# written by 'backup demo' for one of its throw-away servers\n"
                + server.sourceConfigYaml(instance, home.resolve("repo"), BACKUP_USER, passwordFile);
    }

    public SandboxServer primary() {
        return pair.primary();
    }

    public SandboxServer replica() {
        return pair.replica();
    }

    public ReplicationPair pair() {
        return pair;
    }

    public Path config() {
        return config;
    }

    /** A config backing up the replica instead of the primary, as the field report's jobs did. */
    public Path replicaConfig() {
        return replicaConfig;
    }

    public Path home() {
        return home;
    }

    /** Stops the replica, then the primary, gracefully; removes the directory unless kept. */
    @Override
    public void close() throws IOException {
        pair.replica().stop();
        pair.primary().stop();
        if (!keep) {
            pair.close();
            PathUtils.deleteDirectory(home);
        }
    }
}
