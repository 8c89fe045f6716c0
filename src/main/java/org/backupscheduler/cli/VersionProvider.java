package org.backupscheduler.cli;

import org.backupscheduler.UserError;
import org.backupscheduler.engine.EngineLocator;
import org.backupscheduler.engine.EngineTool;
import picocli.CommandLine;

/** {@code --version}: ours and the engine's. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String ours = Main.class.getPackage().getImplementationVersion();
        String engine;
        try {
            EngineTool tool = EngineLocator.fromEnvironment().locate("auto");
            engine = tool.name() + " " + tool.version() + " (" + tool.path() + ")";
        } catch (UserError e) {
            engine = "none found (" + e.getMessage() + ")";
        }
        return new String[] {"backup-scheduler " + (ours == null ? "dev" : ours), "engine: " + engine};
    }
}
