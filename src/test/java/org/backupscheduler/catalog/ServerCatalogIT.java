package org.backupscheduler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.sql.SQLException;

import org.apache.commons.io.file.PathUtils;
import org.backupscheduler.sandbox.SandboxOptions;
import org.backupscheduler.schedule.Lease;
import org.backupscheduler.sandbox.SandboxServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;

/** The same migrations and lifecycle on the server databases a clustered catalog uses. */
class ServerCatalogIT {

    @Test
    void onMariaDbSandbox() throws IOException, SQLException {
        try (SandboxServer server = SandboxServer.start(SandboxOptions.primary("cat"))) {
            server.execute("CREATE DATABASE backup_catalog",
                    "CREATE USER 'catalog'@'127.0.0.1' IDENTIFIED BY 'cat-pw'",
                    "GRANT ALL ON backup_catalog.* TO 'catalog'@'127.0.0.1'");
            String url = "jdbc:mysql://127.0.0.1:" + server.port() + "/backup_catalog";
            try (Catalog catalog = Catalog.open(url, "catalog", "cat-pw")) {
                assertFalse(catalog.isEmbedded());
                CatalogContract.check(catalog);
            }
            // Clustered mode: two hosts (two repositories, so no shared file lock) share this catalog;
            // the lease row alone keeps the second from backing up the same instance. Their clocks are
            // hours apart (A behind, B ahead): expiry is the catalog server's clock, so neither matters.
            Path hostA = Files.createTempDirectory("bs-hostA-");
            Path hostB = Files.createTempDirectory("bs-hostB-");
            try (Catalog a = Catalog.open(url, "catalog", "cat-pw"); Catalog b = Catalog.open(url, "catalog", "cat-pw")) {
                Lease.Result first = Lease.acquire(a, hostA.resolve("db1"), "db1", Duration.ofMinutes(2),
                        Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
                assertTrue(first.acquired());
                Lease.Result second = Lease.acquire(b, hostB.resolve("db1"), "db1", Duration.ofMinutes(2),
                        Clock.offset(Clock.systemUTC(), Duration.ofHours(3)));
                assertFalse(second.acquired());
                assertEquals(ProcessHandle.current().pid(), second.heldBy().pid());
                first.lease().close();
                Lease.Result third = Lease.acquire(b, hostB.resolve("db1"), "db1", Duration.ofMinutes(2),
                        Clock.systemUTC());
                assertTrue(third.acquired(), "released: the other host takes it");
                third.lease().close();
            } finally {
                PathUtils.deleteDirectory(hostA);
                PathUtils.deleteDirectory(hostB);
            }
        }
    }

    @Test
    void onMySql8WhereDockerRuns() {
        // This machine has the Docker client but no engine; where one runs, MySQL 8 is checked too.
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "skipped: no Docker engine reachable, so no MySQL 8 container (Testcontainers)");
        try (MySQLContainer mysql = new MySQLContainer("mysql:8.4")) {
            mysql.start();
            try (Catalog catalog = Catalog.open(mysql.getJdbcUrl(), mysql.getUsername(), mysql.getPassword())) {
                CatalogContract.check(catalog);
            }
        }
    }
}
