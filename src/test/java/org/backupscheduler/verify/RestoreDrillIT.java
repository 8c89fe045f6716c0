package org.backupscheduler.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.backupscheduler.testing.ListeningSockets;
import org.backupscheduler.testing.LoadedPrimary;
import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore drill serves a full copy of production: while it runs, another local user must not
 * be able to read it. Watched from outside as such a user would look: the drill server's
 * listening sockets in /proc, and a root login without password tried on every TCP one.
 */
class RestoreDrillIT {
    @RegisterExtension
    static final LoadedPrimary PRIMARY = new LoadedPrimary("drl", 5_000);

    @TempDir
    Path dir;

    @Test
    void duringVerifyDeepNoTcpPortAnswersAsRootWithoutAPassword() throws Exception {
        Path config = TestSetup.config(dir, PRIMARY.server(),
                TestSetup.passwordFile(dir, "pw", TestSetup.BACKUP_PASSWORD), null);
        Result run = TestSetup.cli("--config", config.toString(), "run");
        assertEquals(0, run.exitCode(), run.toString());

        Result deep;
        try (DrillWatcher watcher = new DrillWatcher()) {
            deep = TestSetup.cli("--config", config.toString(), "verify", "--latest", "--deep");
            watcher.close();

            assertEquals(0, deep.exitCode(), deep.toString());
            // Seen while it served (its Unix socket listening: the server opens its TCP and Unix
            // listeners together, so a TCP one would have been there at that moment too).
            assertFalse(watcher.unixSockets.isEmpty(), "the watcher saw the drill server serving");
            assertEquals(Set.of(), watcher.rootLogins, "TCP ports where root got in without a password");
            assertEquals(Set.of(), watcher.tcpListeners, "TCP ports the drill server listened on");
            assertEquals(Set.of("rwx------"), watcher.socketFolderModes, "the drill socket's folder");
            for (String socket : watcher.unixSockets) {
                assertFalse(Files.exists(Path.of(socket).getParent()), "the drill's folder is removed: " + socket);
            }
        }
        assertTrue(deep.out().contains("VERIFIED"), deep.toString());
    }

    /** Polls this JVM's descendant drill servers (home bs-drill-*) for what they listen on. */
    private static final class DrillWatcher implements AutoCloseable {
        final Set<String> unixSockets = ConcurrentHashMap.newKeySet();
        final Set<String> socketFolderModes = ConcurrentHashMap.newKeySet();
        final Set<Integer> tcpListeners = ConcurrentHashMap.newKeySet();
        final Set<Integer> rootLogins = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::loop, "drill-watcher");

        DrillWatcher() {
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (running.get()) {
                ProcessHandle.current().descendants().filter(DrillWatcher::isDrill).forEach(this::look);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static boolean isDrill(ProcessHandle p) {
            return p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false)
                    && p.info().arguments().map(a -> String.join(" ", a).contains("bs-drill-")).orElse(false);
        }

        private void look(ProcessHandle drill) {
            try {
                List<String> unix = ListeningSockets.unix(drill.pid());
                for (ListeningSockets.Tcp tcp : ListeningSockets.tcp(drill.pid())) {
                    tcpListeners.add(tcp.port());
                    if (rootGetsIn(tcp.port())) {
                        rootLogins.add(tcp.port());
                    }
                }
                for (String socket : unix) {
                    unixSockets.add(socket);
                    socketFolderModes.add(PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(Path.of(socket).getParent())));
                }
            } catch (Exception e) {
                // the drill ended between two reads
            }
        }

        private static boolean rootGetsIn(int port) {
            Properties props = new Properties();
            props.setProperty("user", "root");
            props.setProperty("password", "");
            props.setProperty("connectTimeout", "2000");
            props.setProperty("useSSL", "false");
            props.setProperty("allowPublicKeyRetrieval", "true");
            try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", props)) {
                return c.isValid(2);
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }
}
