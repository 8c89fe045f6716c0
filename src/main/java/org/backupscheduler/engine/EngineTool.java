package org.backupscheduler.engine;

import java.nio.file.Path;

/** An engine binary found on this host, with what it says its version is. */
public record EngineTool(Flavor flavor, Path path, String version) {

    /** The name written to the catalog: the binary's own name. */
    public String name() {
        return path.getFileName().toString();
    }

    @Override
    public String toString() {
        return name() + " " + version;
    }
}
