package org.backupscheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.backupscheduler.UserError;
import org.backupscheduler.server.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The argv we build for each engine: Percona's cannot run here, so what we build is what we test. */
class EngineCommandsTest {
    private static final EngineTool XTRABACKUP = new EngineTool(Flavor.XTRABACKUP, Path.of("/usr/bin/xtrabackup"),
            "8.0.35-30");
    private static final EngineTool MARIABACKUP = new EngineTool(Flavor.MARIABACKUP, Path.of("/usr/bin/mariabackup"),
            "10.11.19-MariaDB");
    private static final Endpoint SOURCE = new Endpoint("127.0.0.1", 3306, null, "backup", "pa ss\"#word");

    @Test
    void xtrabackupBackupArgvPutsCredentialsFirstAndNoPassword() throws IOException {
        try (CredentialsFile credentials = CredentialsFile.write(SOURCE)) {
            BackupRequest request = new BackupRequest(Path.of("/repo/db1/x/data"), Path.of("/var/lib/mysql"), 4,
                    Duration.ofMillis(100), Path.of("/repo/db1/parent/data"), true, true, List.of("--no-lock"));
            List<String> argv = new EngineCommands(XTRABACKUP).backup(request, credentials);

            assertEquals(List.of("/usr/bin/xtrabackup", "--defaults-extra-file=" + credentials.path(), "--backup",
                    "--target-dir=/repo/db1/x/data", "--datadir=/var/lib/mysql", "--parallel=4",
                    "--log-copy-interval=100", "--incremental-basedir=/repo/db1/parent/data", "--slave-info",
                    "--safe-slave-backup", "--no-lock"), argv);
            assertFalse(String.join(" ", argv).contains("pa ss"), "password must never be in argv");
        }
    }

    @Test
    void credentialsFileIsPrivateQuotedAndGoneAfterClose() throws IOException {
        Path file;
        Path dir;
        try (CredentialsFile credentials = CredentialsFile.write(SOURCE)) {
            file = credentials.path();
            dir = file.getParent();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals(List.of("[client]", "user=\"backup\"", "password=\"pa ss\\\"#word\"", "host=127.0.0.1",
                    "port=3306"), Files.readAllLines(file));
        }
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir));
    }

    @Test
    void xtrabackupChainPrepareSaysMoreFollows() {
        EngineCommands x = new EngineCommands(XTRABACKUP);
        assertEquals(List.of("/usr/bin/xtrabackup", "--prepare", "--target-dir=/scratch/full", "--apply-log-only"),
                x.prepare(Path.of("/scratch/full"), null, true));
        assertEquals(List.of("/usr/bin/xtrabackup", "--prepare", "--target-dir=/scratch/full",
                "--incremental-dir=/repo/inc1/data"), x.prepare(Path.of("/scratch/full"), Path.of("/repo/inc1/data"),
                false));
    }

    @Test
    void mariabackupNeverGetsApplyLogOnly() {
        // mariabackup 10.11 refuses --apply-log-only; its chain prepare works without it.
        List<String> argv = new EngineCommands(MARIABACKUP).prepare(Path.of("/s"), Path.of("/i"), true);
        assertFalse(argv.contains("--apply-log-only"));
    }

    @Test
    void copyBackWithoutDatadirIsRefused() {
        // Without --datadir, 10.11 copies into /var/lib/mysql: the field report's trap.
        EngineCommands x = new EngineCommands(XTRABACKUP);
        assertThrows(IllegalArgumentException.class, () -> x.copyBack(Path.of("/p"), null, 2));
        assertThrows(IllegalArgumentException.class, () -> x.moveBack(Path.of("/p"), null));
        assertEquals(List.of("/usr/bin/xtrabackup", "--copy-back", "--target-dir=/p", "--datadir=/var/lib/mysql",
                "--parallel=2"), x.copyBack(Path.of("/p"), Path.of("/var/lib/mysql"), 2));
    }

    @Test
    void versionOutputIdentifiesTheFlavour() {
        EngineTool x = EngineLocator.parseVersion(Path.of("/usr/bin/xtrabackup"),
                "xtrabackup version 8.0.35-30 based on MySQL server 8.0.35 Linux (x86_64) (revision id: 6beb4b49)\n");
        assertEquals(Flavor.XTRABACKUP, x.flavor());
        assertEquals("8.0.35-30", x.version());
        EngineTool m = EngineLocator.parseVersion(Path.of("/usr/bin/mariabackup"),
                "mariabackup based on MariaDB server 10.11.19-MariaDB debian-linux-gnu (x86_64)\n");
        assertEquals(Flavor.MARIABACKUP, m.flavor());
        assertEquals("10.11.19-MariaDB", m.version());
        UserError e = assertThrows(UserError.class, () -> EngineLocator.parseVersion(Path.of("/bin/true"), ""));
        assertTrue(e.getMessage().contains("neither mariabackup nor xtrabackup"));
    }

    @Test
    void streamedBackupAddsTheFlavoursStreamFormatAndExtraLsndirBeforeTheUsersArgs() throws IOException {
        try (CredentialsFile credentials = CredentialsFile.write(SOURCE)) {
            BackupRequest request = new BackupRequest(Path.of("/repo/db1/x/data"), Path.of("/var/lib/mysql"), 2,
                    Duration.ofMillis(100), null, false, false, List.of("--no-lock"));
            assertEquals(List.of("/usr/bin/xtrabackup", "--defaults-extra-file=" + credentials.path(), "--backup",
                    "--stream=xbstream", "--extra-lsndir=/repo/db1/x", "--target-dir=/repo/db1/x/data",
                    "--datadir=/var/lib/mysql", "--parallel=2", "--log-copy-interval=100", "--no-lock"),
                    new EngineCommands(XTRABACKUP).streamedBackup(request, credentials, Path.of("/repo/db1/x")));
            List<String> maria = new EngineCommands(MARIABACKUP).streamedBackup(request, credentials,
                    Path.of("/repo/db1/x"));
            assertEquals(List.of("--backup", "--stream=mbstream", "--extra-lsndir=/repo/db1/x"), maria.subList(2, 5));
        }
    }

    @Test
    void streamIsExtractedByTheToolBesideTheEngineElseByNameFromPath(@TempDir Path bin) throws IOException {
        Path xtrabackup = Files.createFile(bin.resolve("xtrabackup"));
        EngineTool alone = new EngineTool(Flavor.XTRABACKUP, xtrabackup, "8.0.35-30");
        assertEquals(List.of("xbstream", "-x", "-C", "/scratch/data"),
                new EngineCommands(alone).extractStream(Path.of("/scratch/data")));

        Path xbstream = Files.createFile(bin.resolve("xbstream"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertEquals(List.of(xbstream.toString(), "-x", "-C", "/scratch/data"),
                new EngineCommands(alone).extractStream(Path.of("/scratch/data")));
        Path mariabackup = Files.createFile(bin.resolve("mariabackup"));
        EngineTool maria = new EngineTool(Flavor.MARIABACKUP, mariabackup, "10.11.19-MariaDB");
        assertEquals("mbstream", new EngineCommands(maria).extractStream(Path.of("/s")).get(0),
                "mariabackup's stream is extracted by mbstream, never by xbstream");
    }

    @Test
    void missingEngineSaysHowToInstallIt() {
        UserError e = assertThrows(UserError.class, () -> new EngineLocator("/nonexistent").locate("auto"));
        assertTrue(e.hint().contains("apt-get install mariadb-backup"), e.hint());
    }
}
