package org.backupscheduler.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backupscheduler.UserError;

/** Finds the engine named by {@code engine.tool} (or the first one on PATH) and asks its version. */
public final class EngineLocator {
    private static final List<String> AUTO_ORDER = List.of("mariadb-backup", "mariabackup", "xtrabackup");
    // "mariabackup based on MariaDB server 10.11.19-MariaDB debian-linux-gnu (x86_64)"
    // "xtrabackup version 8.0.35-30 based on MySQL server 8.0.35 Linux (x86_64) (revision id: 6beb4b49)"
    private static final Pattern MARIADB_VERSION = Pattern.compile("MariaDB server (\\S+)");
    private static final Pattern XTRABACKUP_VERSION = Pattern.compile("xtrabackup version (\\S+)");

    private final String pathVariable;
    private final EngineVersions versions;

    public EngineLocator(String pathVariable) {
        this(pathVariable, EngineVersions.NONE);
    }

    private EngineLocator(String pathVariable, EngineVersions versions) {
        this.pathVariable = pathVariable == null ? "" : pathVariable;
        this.versions = versions;
    }

    /** The same search, with the binary's {@code --version} answer kept in {@code versions}. */
    public EngineLocator remembering(EngineVersions versions) {
        return new EngineLocator(pathVariable, versions);
    }

    public static EngineLocator fromEnvironment() {
        return new EngineLocator(System.getenv("PATH"));
    }

    /** {@code configured} is auto, a tool name, or a path. */
    public EngineTool locate(String configured) {
        Path binary;
        if (configured == null || configured.equals("auto")) {
            binary = AUTO_ORDER.stream().map(this::onPath).flatMap(Optional::stream).findFirst()
                    .orElseThrow(() -> new UserError("no backup engine found: none of " + String.join(", ", AUTO_ORDER)
                            + " is on PATH", "install it (apt-get install mariadb-backup) or set engine.tool to its path",
                            UserError.FAILED));
        } else if (configured.contains("/")) {
            binary = Path.of(configured);
            if (!Files.isExecutable(binary)) {
                throw new UserError("engine.tool " + configured + " is not an executable file",
                        "fix engine.tool, or set it to auto", UserError.FAILED);
            }
        } else {
            binary = onPath(configured).orElseThrow(() -> new UserError("engine.tool " + configured
                    + " is not on PATH", "install it (apt-get install mariadb-backup) or give its full path",
                    UserError.FAILED));
        }
        return versions.identify(binary, EngineLocator::identify);
    }

    Optional<Path> onPath(String name) {
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static EngineTool identify(Path binary) {
        String out;
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UserError("engine " + binary + " cannot be run: " + e.getMessage(),
                    "check engine.tool and the file's permissions", UserError.FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while asking " + binary + " its version", "run again", UserError.FAILED);
        }
        return parseVersion(binary, out);
    }

    /** Reads the flavour and version from the tool's {@code --version} output. */
    static EngineTool parseVersion(Path binary, String versionOutput) {
        Matcher x = XTRABACKUP_VERSION.matcher(versionOutput);
        if (x.find()) {
            return new EngineTool(Flavor.XTRABACKUP, binary, x.group(1));
        }
        Matcher m = MARIADB_VERSION.matcher(versionOutput);
        if (m.find()) {
            return new EngineTool(Flavor.MARIABACKUP, binary, m.group(1));
        }
        String firstLine = versionOutput.lines().findFirst().orElse("(nothing)");
        throw new UserError("engine " + binary + " is neither mariabackup nor xtrabackup: its --version said '"
                + firstLine + "'", "set engine.tool to a mariabackup, mariadb-backup or xtrabackup binary",
                UserError.FAILED);
    }
}
