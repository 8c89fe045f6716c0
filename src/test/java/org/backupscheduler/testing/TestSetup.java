package org.backupscheduler.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.cli.Main;
import org.backupscheduler.sandbox.BackupAccount;
import org.backupscheduler.sandbox.SandboxServer;
import picocli.CommandLine;

/** Builds what the integration tests share: a backup user, its password file, a config. */
public final class TestSetup {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String BACKUP_USER = "backup";
    public static final String BACKUP_PASSWORD = "s3cret-Backup-pw!";

    private TestSetup() {
    }

    /** A least-privilege backup account (RELOAD, PROCESS, BINLOG MONITOR) on the sandbox. */
    public static void createBackupUser(SandboxServer server) throws SQLException {
        BackupAccount.create(server, BACKUP_USER, BACKUP_PASSWORD);
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
        ConfigTrust.write(file, server.sourceConfigYaml(server.name(), dir.resolve("repo"), BACKUP_USER, passwordFile)
                + (extra == null ? "" : extra) + "\n");
        return file;
    }

    /** The catalog as {@code backup list --json} shows it, newest first. */
    public static List<Map<String, Object>> backups(Path config) throws IOException {
        Result list = cli("--config", config.toString(), "list", "--json");
        if (list.exitCode() != 0) {
            throw new IllegalStateException("backup list failed: " + list);
        }
        return JSON.readValue(list.out(), new TypeReference<>() { });
    }

    /** The newest backup in the catalog. */
    public static Map<String, Object> newest(Path config) throws IOException {
        return backups(config).get(0);
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

    /** One bit of the byte in the middle of {@code file} flipped: the damage a disk or a store does unseen. */
    public static void flipMiddleByte(Path file) throws IOException {
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            int was = raf.read();
            raf.seek(raf.length() / 2);
            raf.write(was ^ 0x01);
        }
    }
}
