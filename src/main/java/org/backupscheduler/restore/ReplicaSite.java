package org.backupscheduler.restore;

import org.backupscheduler.config.ReplicaConfig;
import org.backupscheduler.engine.EngineHost;
import org.backupscheduler.engine.SshHost;

/**
 * Where a replica's restore acts: this host, or the replica's own host through SSH
 * ({@code replicas.<name>.ssh}). Its processes (stop, start, extract, prepare, move-back) start on
 * {@link #host}; its datadir is looked at and moved through {@link #files}.
 */
record ReplicaSite(EngineHost host, ReplicaFiles files) implements AutoCloseable {
    static final ReplicaSite LOCAL = new ReplicaSite(EngineHost.LOCAL, ReplicaFiles.LOCAL);

    /** Opens the SSH session when the replica has {@code ssh:}; a refused key or login is a UserError. */
    static ReplicaSite open(String name, ReplicaConfig r) {
        if (r.ssh() == null) {
            return LOCAL;
        }
        SshHost host = SshHost.open(r.ssh(), "replicas." + name + ".ssh");
        return new ReplicaSite(host, new SshReplicaFiles(host, r.ssh()));
    }

    boolean isLocal() {
        return host.isLocal();
    }

    @Override
    public void close() {
        if (!host.isLocal()) {
            host.close();
        }
    }
}
