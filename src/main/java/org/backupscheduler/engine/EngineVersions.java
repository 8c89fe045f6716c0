package org.backupscheduler.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Properties;
import java.util.function.Function;

/**
 * What each engine binary said its version was, kept in {@code <state-dir>/engine-versions.properties}
 * under the binary's path with its mtime and size: while neither changed, the binary is the same
 * one and is not asked again (a process per command saved). An upgrade changes both, so the next
 * command asks. A state-dir that cannot be read or written only costs the probe.
 */
public final class EngineVersions {
    /** No cache: every command asks the binary. */
    public static final EngineVersions NONE = new EngineVersions(null);

    static final String FILE = "engine-versions.properties";

    private final Path file;

    private EngineVersions(Path file) {
        this.file = file;
    }

    /** Kept in {@code stateDir}, when it exists. */
    public static EngineVersions in(Path stateDir) {
        return stateDir == null ? NONE : new EngineVersions(stateDir.resolve(FILE));
    }

    /** The cached answer for {@code binary} while it is unchanged, else {@code probe}'s (then kept). */
    EngineTool identify(Path binary, Function<Path, EngineTool> probe) {
        if (file == null) {
            return probe.apply(binary);
        }
        String stamp = stamp(binary);
        Properties known = read();
        String entry = stamp == null ? null : known.getProperty(binary.toString());
        if (entry != null) {
            String[] f = entry.split(" ", 3); // "<stamp> <flavor> <version>"
            if (f.length == 3 && f[0].equals(stamp)) {
                try {
                    return new EngineTool(Flavor.valueOf(f[1]), binary, f[2]);
                } catch (IllegalArgumentException stale) {
                    // a flavour this build does not know: ask the binary
                }
            }
        }
        EngineTool tool = probe.apply(binary);
        if (stamp != null) {
            known.setProperty(binary.toString(), stamp + " " + tool.flavor().name() + " " + tool.version());
            write(known);
        }
        return tool;
    }

    /** mtime (ms) and size, joined by ':'; null when the binary cannot be read. */
    private static String stamp(Path binary) {
        try {
            BasicFileAttributes a = Files.readAttributes(binary, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + ":" + a.size();
        } catch (IOException e) {
            return null;
        }
    }

    private Properties read() {
        Properties p = new Properties();
        if (Files.isReadable(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                return new Properties(); // unreadable: start over
            }
        }
        return p;
    }

    private void write(Properties p) {
        if (!Files.isDirectory(file.getParent())) {
            return;
        }
        try {
            // Written aside and moved over: a second command reading at the same time sees the old or the new file.
            Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "engine --version answers by binary: mtime:size flavor version (backup-scheduler)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // not writable (a non-root user with the default state-dir): the probe runs next time too
        }
    }
}
