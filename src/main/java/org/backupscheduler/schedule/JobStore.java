package org.backupscheduler.schedule;

import java.time.Duration;
import java.util.Properties;

import org.backupscheduler.catalog.Catalog;
import org.quartz.utils.DBConnectionManager;

/**
 * Where Quartz keeps the schedule. With the embedded H2 catalog (one host) in memory. With a
 * MySQL/MariaDB catalog in the catalog itself, in Quartz's clustered JDBC store (the QRTZ_
 * tables, migration V9): the daemons of one instance on several hosts share its triggers, each
 * fire is taken by one of them under a row lock, and the triggers of a daemon that stopped
 * checking in are taken over by the others. With {@code --config-dir} the cluster is the fleet:
 * one job group per instance.
 */
final class JobStore {
    /** Quartz's own default: a dead node is noticed after this plus 7.5 s of silence. */
    static final Duration CHECKIN_INTERVAL = Duration.ofMillis(7_500);

    private JobStore() {
    }

    static boolean clustered(Catalog catalog) {
        return !catalog.isEmbedded();
    }

    /** The scheduler's properties; for a clustered store, also registers its connections with Quartz. */
    static Properties properties(String cluster, Catalog catalog, int instances) {
        Properties p = new Properties();
        // The scheduler name is the cluster: every daemon of this instance (or fleet), and only those, joins it.
        p.setProperty("org.quartz.scheduler.instanceName", cluster);
        // A thread for each instance's backup (it may wait for its host's engine slot, EngineSlots)
        // and its lock pass, so that one instance's wait never holds another's fire back.
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Math.max(4, 2 * instances + 2)));
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // A fire late by more than a second is a misfire: fired once now, and the schedule proceeds
        // from now. A larger threshold would let a trigger recovered from a dead node fire every
        // fire it missed within the threshold, one after the other: a backlog (measured, DaemonIT).
        // The JDBC store pays for it with a misfire scan, a catalog query, every second.
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        if (!clustered(catalog)) {
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
            return p;
        }
        String dataSource = "catalog-" + cluster;
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, new CatalogConnections(catalog));
        // Host name and start time: unique even for two daemons on one host.
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        // Take a trigger under the TRIGGER_ACCESS row lock, as the misfire scan and firing do:
        // without it Quartz acquires by an optimistic state update that two nodes can both pass
        // (quartz-scheduler/quartz#107), and one fire ran on both nodes (seen in FleetSshIT's
        // two-node run: "db1 full at …53.898Z" started twice, a misfire's fire-now).
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CHECKIN_INTERVAL.toMillis()));
        // Job data as text properties, not serialized Java objects, in the shared tables.
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        return p;
    }
}
