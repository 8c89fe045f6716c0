package org.backupscheduler.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;


/**
 * Everything the engine wrote about a backup, read from its directory: {@code binlog} is the
 * source's own position, {@code primary} (replica sources only) its primary's.
 */
public record EngineFiles(Checkpoints checkpoints, BackupInfo info, Optional<Coordinates> binlog,
                          Optional<Coordinates> primary) {

    /** Reads the engine's files in {@code dir}; a missing checkpoints file means no usable backup. */
    public static EngineFiles read(Path dir, Flavor flavor) throws IOException {
        Path checkpoints = flavor.metadataFile(dir, "checkpoints");
        if (!Files.exists(checkpoints)) {
            throw new IOException("no " + checkpoints.getFileName() + " in " + dir);
        }
        Path info = flavor.metadataFile(dir, "info");
        BackupInfo backupInfo = Files.exists(info) ? BackupInfo.read(info)
                : new BackupInfo(null, null, null, null, null, null, null, null, false, null);
        return new EngineFiles(Checkpoints.read(checkpoints), backupInfo,
                BinlogInfo.read(flavor.metadataFile(dir, "binlog_info")),
                SlaveInfo.read(flavor.metadataFile(dir, "slave_info")));
    }
}
