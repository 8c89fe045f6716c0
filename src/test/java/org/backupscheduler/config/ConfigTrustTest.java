package org.backupscheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import org.backupscheduler.testing.TestSetup;
import org.backupscheduler.testing.TestSetup.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The config names commands run as root: a file someone else can change is refused, as is a
 * password put on the engine's command line. Exit 2, one line and a HINT with the exact command.
 */
class ConfigTrustTest {
    @TempDir
    Path dir;

    private Path config(String extra) throws IOException {
        Path file = dir.resolve("backup.yml");
        Files.writeString(file, String.join("\n", "instance: db1", "repository: " + dir.resolve("repo"), "source:",
                "  host: 127.0.0.1", "  port: 1", "  user: backup", "") + extra);
        return file;
    }

    private Result list(Path config) {
        return TestSetup.cli("--config", config.toString(), "list", "--json");
    }

    private void assertRefused(Result r, String error, String hint) {
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("error: " + error + "\nHINT: " + hint, r.err().strip(), r.toString());
        assertFalse(Files.exists(dir.resolve("repo")), "a refused config changes nothing");
    }

    @Test
    void aPrivateFileUnderTmpLoads() throws Exception {
        Path config = config("");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        // /tmp above the test's folder is world-writable but sticky: only a file's owner replaces it.
        assertEquals(01777, ((Integer) Files.getAttribute(Path.of("/tmp"), "unix:mode")) & 07777);

        Result r = list(config);

        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void aConfigWritableByGroupIsRefusedWithTheChmod() throws Exception {
        Path config = config("");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-r--"));

        assertRefused(list(config), "config file " + config + " is writable by group or others (mode 664): they "
                + "could change the commands it runs", "chmod go-w " + config);
    }

    @Test
    void aConfigInAFolderOthersCanWriteIsRefusedWithTheChmodOfTheFolder() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path config = Files.move(config(""), folder.resolve("backup.yml"));

        assertRefused(list(config), "config file " + config + " is in " + folder + ", which is writable by group "
                + "or others (mode 777): they could change the commands it runs", "chmod go-w " + folder);
    }

    @Test
    void aConfigOwnedByAnotherUserIsRefusedWithTheChown() throws Exception {
        String me = System.getProperty("user.name");
        Assumptions.assumeTrue("root".equals(me), "skipped: giving a file to another user needs root");
        Path config = config("");
        UserPrincipal nobody = config.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(config, nobody);

        assertRefused(list(config), "config file " + config + " is owned by nobody, not by root or " + me
                + " (the user running backup-scheduler): nobody could change the commands it runs",
                "chown " + me + " " + config);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--password=Hunter2pw", "-pHunter2pw", "--pass=Hunter2pw", "--loose-password=Hunter2pw"})
    void aPasswordInTheEnginesArgumentsIsRefusedWithoutShowingIt(String arg) throws Exception {
        Path config = config("engine:\n  extra-args: ['--parallel=4', '" + arg + "']\n");

        Result r = list(config);

        String shown = arg.startsWith("--") ? arg.replace("Hunter2pw", "...") : "-p...";
        assertRefused(r, "engine.extra-args in " + config + " holds a password (" + shown + "): the engine's "
                + "command line is visible to every user of the host", "remove it from engine.extra-args; the "
                + "password goes in source.password-file (mode 0600), which reaches the engine through a private "
                + "option file");
        assertFalse(r.toString().contains("Hunter2pw"), r.toString());
    }

    @Test
    void aBarePasswordOptionIsRefusedToo() throws Exception {
        Result r = list(config("engine:\n  extra-args: ['-p']\n"));

        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("holds a password (-p...)"), r.err());
    }
}
