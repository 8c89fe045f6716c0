package org.backupscheduler.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.server.Endpoint;

/**
 * A throw-away MariaDB server from the Debian binaries: its own datadir, port, socket, pid file
 * and error log under one short temporary directory. Used by the tests and by {@code demo}.
 *
 * <p>We start {@code mariadbd} ourselves, so we own its pid and may stop or SIGKILL it; the
 * server on 3306 (if any) is never touched.
 */
public final class SandboxServer implements AutoCloseable {
    private final SandboxOptions options;
    private final Path home;
    private final Path datadir;
    private final Path cnf;
    private final int port;
    private Process process;

    private SandboxServer(SandboxOptions options, Path home, int port) {
        this(options, home, home.resolve("data"), port);
    }

    private SandboxServer(SandboxOptions options, Path home, Path datadir, int port) {
        this.options = options;
        this.home = home;
        this.datadir = datadir;
        this.cnf = home.resolve("my.cnf");
        this.port = port;
    }

    /**
     * Starts a server on an existing datadir, such as a prepared copy of a backup (the restore
     * drill). The datadir stays the caller's: closing removes only the sandbox's own directory.
     */
    public static SandboxServer onDatadir(SandboxOptions options, Path datadir) throws IOException {
        Path home = Files.createTempDirectory(options.parent(), "bs-" + options.name() + "-");
        SandboxServer server = new SandboxServer(options, home, datadir, freePort());
        try {
            server.writeCnf();
            server.startServer();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Creates the datadir with {@code mariadb-install-db} and starts the server. */
    public static SandboxServer start(SandboxOptions options) throws IOException {
        // Socket paths must stay under 107 characters: keep the home short, directly under /tmp.
        Path home = Files.createTempDirectory(options.parent(), "bs-" + options.name() + "-");
        SandboxServer server = new SandboxServer(options, home, freePort());
        try {
            server.writeCnf();
            server.installDb();
            server.startServer();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void writeCnf() throws IOException {
        Files.createDirectories(home.resolve("tmp"));
        List<String> lines = new ArrayList<>(List.of(
                "[mariadbd]",
                "datadir=" + datadir,
                "port=" + port,
                "bind-address=127.0.0.1",
                "socket=" + socket(),
                "pid-file=" + home.resolve("mariadbd.pid"),
                "log-error=" + errorLog(),
                "tmpdir=" + home.resolve("tmp"),
                "server-id=" + options.serverId(),
                "innodb-buffer-pool-size=" + options.bufferPool(),
                "innodb-log-file-size=64M",
                "skip-name-resolve",
                "max-connections=200"));
        if (isRoot()) {
            lines.add("user=root");
        }
        if (options.binlog()) {
            lines.add("log-bin=" + datadir.resolve("mysql-bin"));
            lines.add("binlog-format=ROW");
        }
        if (options.replica()) {
            lines.add("relay-log=" + datadir.resolve("relay-bin"));
            lines.add("read-only=0");
        }
        if (options.tls() != null) {
            lines.add("ssl-ca=" + options.tls().caFile());
            lines.add("ssl-cert=" + options.tls().certFile());
            lines.add("ssl-key=" + options.tls().keyFile());
            lines.add("require-secure-transport=ON");
        }
        lines.addAll(options.extraLines());
        lines.add("");
        lines.add("[client]");
        lines.add("socket=" + socket());
        lines.add("port=" + port);
        lines.add("");
        Files.write(cnf, lines);
    }

    private void installDb() throws IOException {
        run(Duration.ofMinutes(2), List.of("mariadb-install-db", "--defaults-file=" + cnf,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
    }

    private void startServer() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("mariadbd", "--defaults-file=" + cnf);
        pb.redirectErrorStream(true);
        pb.redirectOutput(home.resolve("mariadbd.out").toFile());
        process = pb.start();
        waitUntilReady(Duration.ofSeconds(60));
    }

    private void waitUntilReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("sandbox " + options.name() + " exited with status "
                        + process.exitValue() + " while starting; log: " + tail(errorLog()));
            }
            try (Connection ignored = connect()) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new IOException("sandbox " + options.name() + " not ready after " + timeout.toSeconds()
                + "s: " + (last == null ? "" : last.getMessage()) + "; log: " + tail(errorLog()));
    }

    /** Restarts a stopped (or killed) server on the same datadir, port and socket. */
    public void restart() throws IOException {
        if (process != null && process.isAlive()) {
            stop();
        }
        startServer();
    }

    /** Graceful shutdown (SIGTERM), waiting for the server to exit. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, as a crash would: no shutdown, the datadir left as it is. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "root");
        props.setProperty("password", "");
        props.setProperty("connectTimeout", "2000");
        props.setProperty("allowPublicKeyRetrieval", "true");
        // A TLS sandbox refuses plain TCP logins; its own certificate is not what root's check is about.
        props.setProperty("sslMode", options.tls() != null ? "REQUIRED" : "DISABLED");
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", props);
    }

    /** Runs statements as root, one after the other. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** The head of a backup-scheduler config backing up this server as {@code user}. */
    public String sourceConfigYaml(String instance, Path repository, String user, Path passwordFile) {
        return String.join("\n",
                "instance: " + instance,
                "repository: " + repository,
                "source:",
                "  host: 127.0.0.1",
                "  port: " + port,
                "  user: " + user,
                "  password-file: " + passwordFile,
                "engine:",
                "  parallel: 2",
                "");
    }

    /** Where root connects over TCP; the password is empty in a sandbox. */
    public Endpoint rootEndpoint() {
        return new Endpoint("127.0.0.1", port, socket().toString(), "root", "");
    }

    public String name() {
        return options.name();
    }

    public int port() {
        return port;
    }

    public Path home() {
        return home;
    }

    public Path datadir() {
        return datadir;
    }

    public Path cnf() {
        return cnf;
    }

    public Path socket() {
        return home.resolve("mysqld.sock");
    }

    public Path errorLog() {
        return home.resolve("error.log");
    }

    /** Stops the server and removes the sandbox directory (it is ours, made for this run). */
    @Override
    public void close() {
        kill();
        killByPidFile();
        deleteTree(home);
    }

    /**
     * A server restarted by a start command (as a restore does) is not our child process: find it
     * by its pid file and end it if it runs with our option file.
     */
    private void killByPidFile() {
        try {
            Path pidFile = home.resolve("mariadbd.pid");
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).filter(p -> p.info().arguments()
                    .map(a -> String.join(" ", a).contains(cnf.toString())).orElse(false)).ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().join();
                    });
        } catch (IOException | NumberFormatException e) {
            // No pid file or a half-written one: nothing of ours is running under it.
        }
    }

    private void run(Duration timeout, List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        Path out = home.resolve(argv.get(0) + ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.get(0) + " did not finish in " + timeout.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(argv.get(0) + " failed with status " + p.exitValue() + ": " + tail(out));
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
