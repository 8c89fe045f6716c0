package org.backupscheduler.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** An engine binary found on this host, with what it says its version is. */
public record EngineTool(Flavor flavor, Path path, String version) {

    /** The name written to the catalog: the binary's own name. */
    public String name() {
        return path.getFileName().toString();
    }

    /**
     * The stream extractor shipped beside the engine (mariadb-backup ships {@code mbstream}, Percona
     * {@code xbstream}); else its bare name, for the PATH to resolve.
     */
    public Path streamTool() {
        Path sibling = path.resolveSibling(flavor.streamFormat());
        return Files.isExecutable(sibling) ? sibling : Path.of(flavor.streamFormat());
    }

    @Override
    public String toString() {
        return name() + " " + version;
    }
}
