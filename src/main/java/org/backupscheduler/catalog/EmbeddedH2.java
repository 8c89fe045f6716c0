package org.backupscheduler.catalog;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;

import org.backupscheduler.UserError;
import org.backupscheduler.storage.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doors of an embedded H2 file catalog. A second process (a cron run beside the daemon)
 * reaches the file through the first one's AUTO_SERVER listener, so that listener is bound to
 * loopback; the lock file that names its port and key sits in a 0700 folder; and the account
 * has a random password kept 0600 beside the database ({@code <name>.password}), which every
 * process of this user reads. A catalog made with the empty password gets one on its first open.
 */
final class EmbeddedH2 {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedH2.class);
    private static final String PREFIX = "jdbc:h2:file:";
    /** H2's ErrorCode.WRONG_USER_OR_PASSWORD. */
    private static final int WRONG_PASSWORD = 28000;
    /** The mode's sticky bit, as {@code unix:mode} reports it (/tmp is 1777). */
    private static final int STICKY = 01000;

    private final Path database;

    private EmbeddedH2(Path database) {
        this.database = database;
    }

    /** The catalog at {@code url} when it is an H2 file, else null. */
    static EmbeddedH2 of(String url) {
        if (!url.startsWith(PREFIX)) {
            return null;
        }
        String path = url.substring(PREFIX.length());
        int settings = path.indexOf(';');
        path = settings >= 0 ? path.substring(0, settings) : path;
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return new EmbeddedH2(Path.of(path).toAbsolutePath().normalize());
    }

    /** Where the database's own password lives: {@code <name>.password} beside {@code <name>.mv.db}. */
    Path passwordFile() {
        return database.resolveSibling(database.getFileName() + ".password");
    }

    /**
     * Makes the folder private and returns the account's credentials, writing a new random
     * password on first use. Must run before H2 opens the file (it writes its lock file there).
     */
    Properties credentials() {
        Path folder = database.getParent();
        try {
            makePrivate(folder);
            Properties credentials = new Properties();
            credentials.setProperty("user", "sa");
            credentials.setProperty("password", readOrCreatePassword());
            return credentials;
        } catch (IOException e) {
            throw new UserError("the catalog's folder " + folder + " cannot be prepared: " + e.getMessage(),
                    "make " + folder + " a folder of the user running backup-scheduler, mode 700", UserError.USAGE, e);
        }
    }

    /**
     * Opens {@code url} with {@code credentials}; a catalog made with the empty password (before
     * it had one) is opened with it once and given the password from the file.
     */
    Connection connect(String url, Properties credentials) throws SQLException {
        try {
            return DriverManager.getConnection(url, credentials);
        } catch (SQLException wrong) {
            if (wrong.getErrorCode() != WRONG_PASSWORD) {
                throw wrong;
            }
            Properties empty = new Properties();
            empty.setProperty("user", credentials.getProperty("user"));
            empty.setProperty("password", "");
            Connection c;
            try {
                c = DriverManager.getConnection(url, empty);
            } catch (SQLException stillWrong) {
                if (stillWrong.getErrorCode() != WRONG_PASSWORD) {
                    throw stillWrong;
                }
                throw new UserError("the catalog " + database + " refuses the password kept in " + passwordFile(),
                        "put back the password file that came with this catalog (it is beside catalog.mv.db in "
                                + "a copy of the repository), or name it in catalog.password-file", UserError.FAILED,
                        wrong);
            }
            try (Statement st = c.createStatement()) {
                // H2 takes no parameter here; the password is ours (64 hex digits), escaped all the same.
                st.execute("ALTER USER SA SET PASSWORD '"
                        + credentials.getProperty("password").replace("'", "''") + "'");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            log.warn("the catalog {} had the empty password; it now has the one kept in {}", database,
                    passwordFile());
            return c;
        }
    }

    /**
     * H2 reads {@code h2.bindAddress} once, when its SysProperties class loads, and binds every
     * server socket (AUTO_SERVER's too) to it; unset, it listens on all interfaces. Called before
     * any H2 class loads (Catalog's static initializer). An administrator's own
     * {@code -Dh2.bindAddress} is theirs to keep.
     */
    static void bindLoopback() {
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    /** Refuses to open an H2 file whose AUTO_SERVER listener would not be bound as set above. */
    static void checkLoopbackListener() {
        String bound = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (bound == null) {
            // H2 was loaded before this class could set its bind address: its listener would be
            // open to the network. A bug of ours, not the user's; refuse rather than open it.
            throw new IllegalStateException("H2 was loaded before h2.bindAddress was set; its AUTO_SERVER "
                    + "listener would bind all interfaces");
        }
    }

    /**
     * Creates the folder 0700, or restricts an existing one of ours to 0700 (saying so). A shared
     * folder (sticky, as /tmp) or another user's is refused: it cannot be made private.
     */
    private void makePrivate(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            PrivateFiles.createDir(folder);
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(folder);
        if (perms.equals(PrivateFiles.DIR_MODE)) {
            return;
        }
        String owner = Files.getOwner(folder).getName();
        String me = System.getProperty("user.name");
        int mode = (Integer) Files.getAttribute(folder, "unix:mode");
        if ((mode & STICKY) != 0 || !owner.equals(me)) {
            throw new UserError("the catalog " + database + " is in a folder shared with others (" + folder
                    + ", owner " + owner + ", mode " + String.format("%o", mode & 07777) + ")",
                    "give the catalog a folder of its own, e.g. catalog.url: " + PREFIX
                            + folder.resolve("backup-catalog").resolve(database.getFileName()),
                    UserError.USAGE);
        }
        Files.setPosixFilePermissions(folder, PrivateFiles.DIR_MODE);
        log.warn("made the catalog's folder {} private (mode 700, was {}): it holds the catalog, its lock "
                + "file and its password", folder, PosixFilePermissions.toString(perms));
    }

    /**
     * The password from the file, or a new random one written there first (0600 before a byte
     * is written; linked into place, so two processes starting at once agree on one).
     */
    private String readOrCreatePassword() throws IOException {
        Path file = passwordFile();
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            Path draft = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".new");
            Files.deleteIfExists(draft);
            PrivateFiles.createFile(draft);
            try {
                Files.writeString(draft, HexFormat.of().formatHex(random) + "\n");
                Files.createLink(file, draft);
            } catch (FileAlreadyExistsException e) {
                // another process made it first: use theirs
            } finally {
                Files.delete(draft);
            }
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!perms.equals(PrivateFiles.FILE_MODE)) {
            throw new UserError("the catalog's password file " + file + " is not private (mode "
                    + PosixFilePermissions.toString(perms) + ")", "chmod 600 " + file, UserError.USAGE);
        }
        String password = Files.readString(file).strip();
        if (password.isEmpty()) {
            throw new UserError("the catalog's password file " + file + " is empty",
                    "restore it from a copy, or (for a catalog made with the empty password) remove it: "
                            + "the next start writes a new one", UserError.USAGE);
        }
        return password;
    }
}
