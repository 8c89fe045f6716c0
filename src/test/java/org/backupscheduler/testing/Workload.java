package org.backupscheduler.testing;

import org.backupscheduler.sandbox.SandboxServer;

/** The demo's workload, under the name the tests have always used. */
public final class Workload extends org.backupscheduler.sandbox.Workload {
    public Workload(SandboxServer server) {
        super(server);
    }

    @Override
    public Workload startWriter() {
        super.startWriter();
        return this;
    }
}
