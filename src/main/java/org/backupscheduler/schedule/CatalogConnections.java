package org.backupscheduler.schedule;

import java.sql.Connection;
import java.sql.SQLException;

import org.backupscheduler.catalog.Catalog;
import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's JDBC job store takes its connections from the catalog, like every other unit of
 * work here: a new connection each time and no pool. The store does a few units a second (a
 * check-in, a misfire scan, a trigger taken and completed), which a server catalog serves
 * without a pool library to configure and ship.
 */
final class CatalogConnections implements ConnectionProvider {
    private final Catalog catalog;

    CatalogConnections(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return catalog.connection();
    }

    @Override
    public void initialize() {
        // the catalog is open and migrated before the daemon starts
    }

    @Override
    public void shutdown() {
        // the catalog belongs to the caller, who closes it
    }
}
