package org.backupscheduler.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.backupscheduler.catalog.Catalog;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Secrets;
import org.backupscheduler.server.ServerConnections;

/**
 * The catalogs of one fleet-wide command ({@code list}, {@code report} over --config-dir): each
 * distinct catalog (url and user) opened once, on the first instance that names it, and closed
 * when the command ends. Opening an embedded H2 file of a million rows costs a second or more
 * (its AUTO_SERVER listener, its pages read cold), which once per instance made a fleet of 100
 * take minutes (docs/benchmarks.md, "Catalog at fleet scale").
 */
final class SharedCatalogs implements AutoCloseable {
    /** Catalogs opened by commands in this process: what the tests count. */
    static final AtomicInteger OPENED = new AtomicInteger();

    private final Map<List<String>, Catalog> open = new LinkedHashMap<>();

    /** The catalog {@code config} names, opened now if no earlier instance of the command named it. */
    Catalog of(BackupConfig config) {
        List<String> key = Arrays.asList(config.catalogUrl(), config.catalog().user());
        Catalog catalog = open.get(key);
        if (catalog == null) {
            catalog = open(config);
            open.put(key, catalog);
        }
        return catalog;
    }

    /** One instance's catalog, as its own command opens it (the caller closes it). */
    static Catalog open(BackupConfig config) {
        String password = Secrets.fromEnvironment().password("catalog", config.catalog().passwordFile(), null);
        Catalog catalog = Catalog.open(config.catalogUrl(), config.catalog().user(), password,
                ServerConnections.tlsProperties(config.catalog().tls()));
        OPENED.incrementAndGet();
        return catalog;
    }

    @Override
    public void close() {
        // Newest first, as nested try-with-resources would; one that fails to close does not keep the others open.
        List<Catalog> all = new ArrayList<>(open.values());
        open.clear();
        RuntimeException first = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
