package org.backupscheduler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.testing.ListeningSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default catalog, an H2 file in the repository, shared by two processes (a cron run beside
 * the daemon), looked at as another local user or a host on the network would: what the first
 * process listens on, the folder and files beside the catalog, and the account's password.
 */
class EmbeddedCatalogIT {
    @TempDir
    Path dir;

    @Test
    void twoProcessesShareTheCatalogOverLoopbackWithAPrivatePassword() throws Exception {
        Path repo = Files.createDirectory(dir.resolve("repo"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path config = config(repo);
        String url = "jdbc:h2:file:" + repo.resolve("catalog");

        try (Catalog first = Catalog.open(url, null, null)) {
            assertEquals("rwx------", mode(repo), "the catalog's folder is made private before it opens");
            Path passwordFile = repo.resolve("catalog.password");
            assertEquals("rw-------", mode(passwordFile));
            assertTrue(Files.readString(passwordFile).strip().matches("[0-9a-f]{64}"), "a random password");

            // The second process connects through the first one's AUTO_SERVER listener.
            Process second = cli(config, "list", "--json");
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second process ended");
            String out = new String(second.getInputStream().readAllBytes());
            assertEquals(0, second.exitValue(), out);
            assertTrue(out.strip().endsWith("[ ]") || out.strip().endsWith("[]"), out);

            int port = autoServerPort(repo);
            List<ListeningSockets.Tcp> h2 = ListeningSockets.tcp(ProcessHandle.current().pid()).stream()
                    .filter(s -> s.port() == port).toList();
            assertFalse(h2.isEmpty(), "this JVM serves the catalog on port " + port);
            assertEquals(List.of(), h2.stream().filter(s -> !s.loopback()).toList(), "listeners beyond loopback");
            // The account has a password now: the empty one (H2's default) is refused.
            SQLException refused = assertThrows(SQLException.class, () -> connect(url, ""));
            assertEquals(28000, refused.getErrorCode(), refused.getMessage());
        }
    }

    @Test
    void aCatalogMadeWithTheEmptyPasswordStillOpensAndGetsOne() throws Exception {
        Path repo = Files.createDirectory(dir.resolve("repo"));
        Path config = config(repo);
        String url = "jdbc:h2:file:" + repo.resolve("catalog");
        try (Catalog made = Catalog.open(url, null, null)) {
            assertTrue(made.isEmbedded());
        }
        // As the catalogs of earlier versions were: the account's password empty, no file.
        String password = Files.readString(repo.resolve("catalog.password")).strip();
        try (Connection c = connect(url, password)) {
            c.createStatement().execute("ALTER USER SA SET PASSWORD ''");
        }
        Files.delete(repo.resolve("catalog.password"));

        Process cli = cli(config, "list", "--json");
        assertTrue(cli.waitFor(120, TimeUnit.SECONDS));
        String out = new String(cli.getInputStream().readAllBytes());

        assertEquals(0, cli.exitValue(), out);
        assertTrue(out.contains("the catalog " + repo.resolve("catalog") + " had the empty password; it now has "
                + "the one kept in " + repo.resolve("catalog.password")), out);
        String set = Files.readString(repo.resolve("catalog.password")).strip();
        assertNotEquals("", set);
        assertEquals("rw-------", mode(repo.resolve("catalog.password")));
        assertThrows(SQLException.class, () -> connect(url, ""));
        try (Catalog again = Catalog.open(url, null, null)) {
            assertEquals(List.of(), again.backups().list("db1", 10, 0));
        }
    }

    @Test
    void aCatalogWhosePasswordFileWasReplacedSaysSoAndWhatToDo() throws Exception {
        Path repo = Files.createDirectory(dir.resolve("repo"));
        String url = "jdbc:h2:file:" + repo.resolve("catalog");
        Catalog.open(url, null, null).close();
        Files.delete(repo.resolve("catalog.password"));

        org.backupscheduler.UserError e = assertThrows(org.backupscheduler.UserError.class,
                () -> Catalog.open(url, null, null));

        assertEquals("the catalog " + repo.resolve("catalog") + " refuses the password kept in "
                + repo.resolve("catalog.password"), e.getMessage());
        assertTrue(e.hint().startsWith("put back the password file that came with this catalog"), e.hint());
    }

    private Path config(Path repo) throws IOException {
        Path config = dir.resolve("backup.yml");
        Files.writeString(config, String.join("\n", "instance: db1", "repository: " + repo, "source:",
                "  host: 127.0.0.1", "  port: 1", "  user: backup", ""));
        return config;
    }

    /** {@code server=ADDRESS:PORT} from H2's lock file: where the other processes connect. */
    private static int autoServerPort(Path repo) throws IOException {
        Properties lock = new Properties();
        try (var in = Files.newInputStream(repo.resolve("catalog.lock.db"))) {
            lock.load(in);
        }
        String server = lock.getProperty("server");
        assertTrue(server.startsWith("127.0.0.1:") || server.startsWith("localhost:"),
                "the lock file names a loopback address: " + server);
        return Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    }

    private static Connection connect(String url, String password) throws SQLException {
        return DriverManager.getConnection(url + ";AUTO_SERVER=TRUE", "sa", password);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Process cli(Path config, String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", Path.of("target/backup-scheduler.jar").toAbsolutePath().toString(),
                "--config", config.toString()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }
}
