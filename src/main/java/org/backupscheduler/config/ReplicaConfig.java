package org.backupscheduler.config;

import java.nio.file.Path;
import java.util.List;

/** {@code replicas.<name>:}: a replica this tool may rebuild, and how to reach its primary. */
public record ReplicaConfig(String host, Integer port, String socket, String user, Path passwordFile,
                            String passwordEnv, Path datadir, Path defaultsFile, List<String> stopCommand,
                            List<String> startCommand, String osUser, PrimaryConfig primary, TlsConfig tls,
                            SshConfig ssh) {

    public ReplicaConfig {
        port = port != null ? port : 3306;
        stopCommand = stopCommand != null ? List.copyOf(stopCommand) : List.of();
        startCommand = startCommand != null ? List.copyOf(startCommand) : List.of();
        tls = tls != null ? tls : TlsConfig.DEFAULT;
    }

    /**
     * {@code replicas.<name>.primary:}: the replication account on the primary. Its {@code tls:}
     * serves both this tool's connections and the replica's own ({@code CHANGE MASTER ... MASTER_SSL}).
     */
    public record PrimaryConfig(String host, Integer port, String user, Path passwordFile, String passwordEnv,
                                TlsConfig tls) {
        public PrimaryConfig {
            port = port != null ? port : 3306;
            tls = tls != null ? tls : TlsConfig.DEFAULT;
        }
    }
}
