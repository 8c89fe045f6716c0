package org.backupscheduler.testing;

import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.sandbox.SandboxServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One sandbox primary for a whole test class, with the backup account and the demo's tables
 * loaded: {@code @RegisterExtension static final LoadedPrimary PRIMARY = new LoadedPrimary("run", 20_000);}.
 * Stopped after the class, also when a test failed.
 */
public final class LoadedPrimary implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private final int rows;
    private SandboxServer server;

    public LoadedPrimary(String name, int rows) {
        this.name = name;
        this.rows = rows;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = SandboxServer.start(SandboxOptions.primary(name));
        TestSetup.createBackupUser(server);
        Workload.load(server, rows);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public SandboxServer server() {
        return server;
    }
}
