package org.backupscheduler.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.UnaryOperator;

import org.backupscheduler.sandbox.ReplicationPair;
import org.backupscheduler.sandbox.SandboxServer;

/**
 * What the ITs that back a replication pair up into S3 share: an S3Proxy with one bucket, a pair
 * whose primary has the backup user and the test's data (replicated), and a config that backs
 * the primary up into the test's repositories with replica r1 restorable.
 */
public final class S3Pair implements AutoCloseable {
    /** The test's own data, loaded on the primary before the replica catches up. */
    @FunctionalInterface
    public interface Data {
        void load(SandboxServer primary) throws SQLException;
    }

    private final S3ProxyServer s3;
    private final ReplicationPair pair;

    private S3Pair(S3ProxyServer s3, ReplicationPair pair) {
        this.s3 = s3;
        this.pair = pair;
    }

    /** S3Proxy under {@code dir}/s3 with {@code bucket}, and a pair named {@code prefix} holding {@code data}. */
    public static S3Pair start(Path dir, String bucket, String prefix, Data data) throws Exception {
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), bucket);
        ReplicationPair pair = null;
        try {
            pair = ReplicationPair.start(prefix);
            TestSetup.createBackupUser(pair.primary());
            data.load(pair.primary());
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            return new S3Pair(s3, pair);
        } catch (Exception | Error e) {
            if (pair != null) {
                pair.close();
            }
            s3.close();
            throw e;
        }
    }

    public S3ProxyServer s3() {
        return s3;
    }

    public ReplicationPair pair() {
        return pair;
    }

    /**
     * The test's config in {@code dir}: the primary backed up with the backup user, replica r1
     * restorable (its datadir given), a state-dir, and {@code repository} (the YAML of
     * {@code repository:} or {@code repositories:}) in place of the local folder; {@code more}
     * then edits the whole text.
     */
    public Path config(Path dir, String repository, UnaryOperator<String> more) throws IOException {
        Path replPw = TestSetup.passwordFile(dir, "repl.pw", ReplicationPair.REPL_PASSWORD);
        Path config = TestSetup.config(dir, pair.primary(),
                TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD),
                pair.replicaConfigYaml("r1", replPw, "datadir: " + pair.replica().datadir()));
        String yaml = Files.readString(config)
                .replace("repository: " + dir.resolve("repo"), "state-dir: " + dir.resolve("state") + "\n" + repository);
        Files.writeString(config, more.apply(yaml));
        return config;
    }

    @Override
    public void close() throws Exception {
        try {
            pair.close();
        } finally {
            s3.close();
        }
    }
}
