package org.backupscheduler.config;

import java.nio.file.Path;
import java.util.List;

/** {@code replicas.<name>:}: a replica this tool may rebuild, and how to reach its primary. */
public record ReplicaConfig(String host, Integer port, String socket, String user, Path passwordFile,
                            String passwordEnv, Path datadir, Path defaultsFile, List<String> stopCommand,
                            List<String> startCommand, String osUser, PrimaryConfig primary) {

    public ReplicaConfig {
        port = port != null ? port : 3306;
        stopCommand = stopCommand != null ? List.copyOf(stopCommand) : List.of();
        startCommand = startCommand != null ? List.copyOf(startCommand) : List.of();
    }

    /** {@code replicas.<name>.primary:}: the replication account on the primary. */
    public record PrimaryConfig(String host, Integer port, String user, Path passwordFile, String passwordEnv) {
        public PrimaryConfig {
            port = port != null ? port : 3306;
        }
    }
}
