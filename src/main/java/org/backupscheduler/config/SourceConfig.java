package org.backupscheduler.config;

import java.nio.file.Path;
import java.time.Duration;

/** {@code source:}: the server to back up; with {@code ssh:} the engine runs on its host. */
public record SourceConfig(String host, Integer port, String socket, String user, Path passwordFile,
                           String passwordEnv, Path datadir, Role role, Duration maxLag, OnStale onStale,
                           Boolean safeSlaveBackup, TlsConfig tls, SshConfig ssh) {

    public SourceConfig {
        port = port != null ? port : 3306;
        role = role != null ? role : Role.DETECT;
        maxLag = maxLag != null ? maxLag : Duration.ofMinutes(5);
        onStale = onStale != null ? onStale : OnStale.FAIL;
        // Opt-in: --safe-slave-backup stops the SQL thread while temporary tables are open.
        safeSlaveBackup = safeSlaveBackup != null ? safeSlaveBackup : Boolean.FALSE;
        tls = tls != null ? tls : TlsConfig.DEFAULT;
    }

    public enum Role implements ConfigEnum { DETECT("detect"), PRIMARY("primary"), REPLICA("replica");
        private final String key;
        Role(String key) { this.key = key; }
        @Override public String key() { return key; }
    }

    public enum OnStale implements ConfigEnum { FAIL("fail"), BACKUP_AND_FLAG("backup-and-flag");
        private final String key;
        OnStale(String key) { this.key = key; }
        @Override public String key() { return key; }
    }
}
