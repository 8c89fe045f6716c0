package org.backupscheduler.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.testing.TestSetup;

/**
 * The {@code --config-dir} folders of the fleet ITs: a defaults.yml (the repository, the source
 * on 127.0.0.1 as the backup user, and the test's own settings) and one file per instance.
 */
final class FleetConfigs {
    private FleetConfigs() {
    }

    /** {@code dir}/instances, repository {@code dir}/repo, the backup user's password in {@code pw}, then {@code settings}. */
    static Path folder(Path dir, Path pw, String... settings) throws IOException {
        Path configs = Files.createDirectory(dir.resolve("instances"));
        defaults(configs, List.of("repository: " + dir.resolve("repo")), pw, List.of(settings));
        return configs;
    }

    /**
     * Node {@code node}'s folder, {@code dir}/node-NODE/instances: its own repository, the catalog
     * on {@code catalogDb} (user catalog, password in {@code catalogPw}), a full every 5 s, no
     * verify, metrics on {@code metricsPort}.
     */
    static Path node(Path dir, String node, Path pw, SandboxServer catalogDb, Path catalogPw, int metricsPort)
            throws IOException {
        Path configs = Files.createDirectories(dir.resolve("node-" + node + "/instances"));
        defaults(configs, List.of("repository: " + dir.resolve("node-" + node + "/repo"),
                "catalog:", "  url: jdbc:mysql://127.0.0.1:" + catalogDb.port() + "/backup_catalog",
                "  user: catalog", "  password-file: " + catalogPw), pw,
                List.of("schedule:", "  full: '*/5 * * * * ?'",
                        "verify:", "  after-backup: []", "  deep: 'off'",
                        "metrics:", "  listen: 127.0.0.1:" + metricsPort));
        return configs;
    }

    /** {@code configs}/INSTANCE.yml: the source on {@code server}'s port, then {@code source} (lines under source:). */
    static void instance(Path configs, String instance, SandboxServer server, String... source) throws IOException {
        List<String> lines = new ArrayList<>(List.of("instance: " + instance, "source:", "  port: " + server.port()));
        lines.addAll(List.of(source));
        lines.add("");
        ConfigTrust.write(configs.resolve(instance + ".yml"), String.join("\n", lines));
    }

    private static void defaults(Path configs, List<String> head, Path pw, List<String> tail) throws IOException {
        List<String> lines = new ArrayList<>(head);
        lines.addAll(List.of("source:", "  host: 127.0.0.1", "  user: " + TestSetup.BACKUP_USER, "  password-file: " + pw));
        lines.addAll(tail);
        lines.add("");
        ConfigTrust.write(configs.resolve("defaults.yml"), String.join("\n", lines));
    }
}
