package org.backupscheduler.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.backup.OrphanRuns;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.backup.RepositoryStores;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.engine.EngineLocator;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.Endpoints;
import org.backupscheduler.server.ServerConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command needs, opened on first use in the order that changes nothing until the input
 * is known to be good: config (exit 2 when wrong), then catalog, then the engine.
 */
final class Context implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Context.class);

    private final CommandSpec spec;
    private final Path configOption;
    private BackupConfig config;
    private Catalog catalog;

    private Context(CommandSpec spec, Path configOption) {
        this.spec = spec;
        this.configOption = configOption;
    }

    static Context of(CommandSpec spec) {
        BackupCommand root = (BackupCommand) spec.root().userObject();
        return new Context(spec, root.config);
    }

    Path configPath() {
        return ConfigLoader.locate(configOption, System.getenv());
    }

    BackupConfig config() {
        if (config == null) {
            config = ConfigLoader.load(configPath(), System.getenv());
            RepositoryStores.configure(config);
            MDC.put("instance", config.instance());
        }
        return config;
    }

    /** The catalog, after marking FAILED any run of this host whose process died. */
    Catalog catalog() {
        if (catalog == null) {
            BackupConfig c = config();
            String password = Secrets.fromEnvironment().password("catalog", c.catalog().passwordFile(), null);
            catalog = Catalog.open(c.catalogUrl(), c.catalog().user(), password,
                    ServerConnections.tlsProperties(c.catalog().tls()));
            OrphanRuns.recover(catalog.backups(), c.instance());
        }
        return catalog;
    }

    Endpoint source() {
        return Endpoints.source(config().source(), Secrets.fromEnvironment());
    }

    EngineTool engine() {
        return EngineLocator.fromEnvironment().locate(config().engine().tool());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public void close() {
        if (catalog != null) {
            catalog.close();
        }
        MDC.remove("instance");
    }
}
