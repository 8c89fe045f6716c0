package org.backupscheduler.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import org.backupscheduler.UserError;
import org.backupscheduler.backup.CopyFolders;
import org.backupscheduler.backup.OrphanRuns;
import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.backup.RepositoryStores;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.ConfigDir;
import org.backupscheduler.config.ConfigLoader;
import org.backupscheduler.config.Fleet;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.engine.EngineLocator;
import org.backupscheduler.engine.EngineVersions;
import org.backupscheduler.engine.EngineTool;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.Endpoints;
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
    private final BackupCommand root;
    private BackupConfig config;
    private Catalog catalog;
    /** The fleet-wide command's catalogs, which it closes; null: this context opens and closes its own. */
    private final SharedCatalogs shared;

    private Context(CommandSpec spec, BackupConfig config, SharedCatalogs shared) {
        this.spec = spec;
        this.root = (BackupCommand) spec.root().userObject();
        this.config = config;
        this.shared = shared;
    }

    /** A command on one instance: the --config file, or the --instance of --config-dir (see {@link #config()}). */
    static Context of(CommandSpec spec) {
        return new Context(spec, null, null);
    }

    /** A command on {@code config}, one instance of the {@link #fleet(CommandSpec)}. */
    static Context of(CommandSpec spec, BackupConfig config) {
        return of(spec, config, null);
    }

    /**
     * As {@link #of(CommandSpec, BackupConfig)}, taking the catalog from {@code shared}: the
     * instances of one fleet-wide command open each catalog once (the command closes them).
     */
    static Context of(CommandSpec spec, BackupConfig config, SharedCatalogs shared) {
        // One configured repository per process (RepositoryStores): the instance's, while it is worked on.
        RepositoryStores.configure(config);
        MDC.put("instance", config.instance());
        sweepCopies(config);
        return new Context(spec, config, shared);
    }

    /**
     * Every instance the options name: the files of --config-dir (those refused with their
     * errors), or the one --config file; --instance is checked against it.
     */
    static Fleet fleet(CommandSpec spec) {
        BackupCommand root = (BackupCommand) spec.root().userObject();
        if (root.configDir != null) {
            if (root.config != null) {
                throw new UserError("--config and --config-dir are both given", "pass one of them", UserError.USAGE);
            }
            return ConfigDir.load(root.configDir);
        }
        Path file = ConfigLoader.locate(root.config, System.getenv());
        BackupConfig c = ConfigLoader.load(file);
        if (root.instance != null && !root.instance.equals(c.instance())) {
            throw new UserError("--instance " + root.instance + " is not the instance of " + file + " ("
                    + c.instance() + ")", "drop --instance, or pass --config-dir with the folder of all instances",
                    UserError.USAGE);
        }
        return Fleet.of(file, c);
    }

    /** The instances a fleet-wide command ({@code list}, {@code report}) covers: all, or the --instance. */
    static List<BackupConfig> selected(CommandSpec spec, Fleet fleet) {
        return fleet.select(((BackupCommand) spec.root().userObject()).instance);
    }

    /**
     * Says on stderr which instance files a fleet-wide command left out, each with its error:
     * exit 2 when there was one (the others' output stands), else {@code code}.
     */
    static int refusals(CommandSpec spec, Fleet fleet, int code) {
        if (((BackupCommand) spec.root().userObject()).instance != null || fleet.refused().isEmpty()) {
            return code;
        }
        PrintWriter err = spec.commandLine().getErr();
        for (Fleet.Refusal r : fleet.refused()) {
            err.println("error: instance file " + r.file() + " refused, its instance left out: "
                    + r.error().getMessage());
            err.println("HINT: " + r.error().hint());
        }
        err.flush();
        return UserError.USAGE;
    }

    Path configPath() {
        if (root.configDir != null) {
            throw new UserError("this command writes one config file, and --config-dir names a folder",
                    "pass --config " + root.configDir + "/INSTANCE.yml", UserError.USAGE);
        }
        return ConfigLoader.locate(root.config, System.getenv());
    }

    /** The file the one instance comes from: --config's, or its file in --config-dir. */
    Path instanceFile() {
        return root.configDir == null ? configPath() : fleet(spec).files().get(config().instance());
    }

    /** The one instance: exit 2 when --config-dir holds several and --instance names none. */
    BackupConfig config() {
        if (config == null) {
            config = root.configDir == null && root.instance == null ? ConfigLoader.load(configPath(), System.getenv())
                    : fleet(spec).pick(root.instance);
            RepositoryStores.configure(config);
            MDC.put("instance", config.instance());
            sweepCopies(config);
        }
        return config;
    }

    /** [repositories] copies a process that died had fetched for reading: removed at the next start. */
    private static void sweepCopies(BackupConfig config) {
        if (config.hasCopies()) {
            CopyFolders.sweep(config);
        }
    }

    /** The catalog, after marking FAILED any run of this host whose process died. */
    Catalog catalog() {
        if (catalog == null) {
            BackupConfig c = config();
            catalog = shared != null ? shared.of(c) : SharedCatalogs.open(c);
            OrphanRuns.recover(catalog.backups(), c.instance());
        }
        return catalog;
    }

    Endpoint source() {
        return Endpoints.source(config().source(), Secrets.fromEnvironment());
    }

    EngineTool engine() {
        // The binary's --version answer is kept in state-dir while its mtime and size stay the same.
        return EngineLocator.fromEnvironment().remembering(EngineVersions.in(config().stateDir()))
                .locate(config().engine().tool());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public void close() {
        if (catalog != null && shared == null) {
            catalog.close();
        }
        MDC.remove("instance");
    }
}
