package org.backupscheduler.binlogs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.BinlogsConfig;
import org.backupscheduler.server.Endpoint;

/**
 * One instance's binlog archive: the server it follows, where files are staged (a local folder),
 * the store and the catalog index.
 */
public record Archive(String instance, Endpoint source, BinlogsConfig config, Path workDir, BinlogStore store,
                      Catalog catalog, Clock clock) implements AutoCloseable {
    /** Under the local instance folder; a dot folder, so never taken for a backup. */
    public static final String WORK_DIR = ".binlog-staging";

    /** Opens the repository's store; {@link #close()} closes it. */
    public static Archive of(BackupConfig config, Endpoint source, Catalog catalog) throws IOException {
        return new Archive(config.instance(), source, config.binlogs(), workDir(config),
                BinlogStore.open(config), catalog, Clock.systemUTC());
    }

    /**
     * The local folder files are staged in: the instance folder of a local repository, or of
     * state-dir with S3 or SFTP (a remote store cannot be written to as a file grows).
     */
    static Path workDir(BackupConfig config) {
        return config.instanceDir().resolve(WORK_DIR);
    }

    @Override
    public void close() throws IOException {
        store.close();
    }

    Sealing sealing() {
        return new Sealing(instance, store, catalog.binlogFiles(), clock);
    }

    /**
     * The server id the archiver's binlog dump connects with: fixed per instance, so a restarted
     * archiver replaces its own old dump session on the server (the server ends a dump whose id
     * connects again), and high in the 32-bit range, away from the ids servers are given.
     */
    public long connectionServerId() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(instance.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 0xF0000000L | (crc.getValue() & 0x0FFFFFFFL);
    }
}
