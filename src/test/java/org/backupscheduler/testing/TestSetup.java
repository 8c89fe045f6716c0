package org.backupscheduler.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;

import org.backupscheduler.cli.Main;
import org.backupscheduler.sandbox.SandboxServer;
import picocli.CommandLine;

/** Builds what the integration tests share: a backup user, its password file, a config. */
public final class TestSetup {
    public static final String BACKUP_USER = "backup";
    public static final String BACKUP_PASSWORD = "s3cret-Backup-pw!";

    private TestSetup() {
    }

    /** A least-privilege backup account (RELOAD, PROCESS, BINLOG MONITOR) on the sandbox. */
    public static void createBackupUser(SandboxServer server) throws SQLException {
        server.execute(
                "CREATE USER IF NOT EXISTS '" + BACKUP_USER + "'@'127.0.0.1' IDENTIFIED BY '" + BACKUP_PASSWORD + "'",
                "CREATE USER IF NOT EXISTS '" + BACKUP_USER + "'@'localhost' IDENTIFIED BY '" + BACKUP_PASSWORD + "'",
                "GRANT RELOAD, PROCESS, BINLOG MONITOR ON *.* TO '" + BACKUP_USER + "'@'127.0.0.1'",
                "GRANT RELOAD, PROCESS, BINLOG MONITOR ON *.* TO '" + BACKUP_USER + "'@'localhost'");
    }

    public static Path passwordFile(Path dir, String name, String password) throws IOException {
        Path file = dir.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n");
        return file;
    }

    /** A config backing up {@code server} into {@code dir}/repo; {@code extra} is appended YAML. */
    public static Path config(Path dir, SandboxServer server, Path passwordFile, String extra) throws IOException {
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n",
                "instance: " + server.name(),
                "repository: " + dir.resolve("repo"),
                "source:",
                "  host: 127.0.0.1",
                "  port: " + server.port(),
                "  user: " + BACKUP_USER,
                "  password-file: " + passwordFile,
                "engine:",
                "  parallel: 2",
                extra == null ? "" : extra,
                ""));
        return file;
    }

    /** Runs the CLI in-process, as a user would from the shell. */
    public static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
