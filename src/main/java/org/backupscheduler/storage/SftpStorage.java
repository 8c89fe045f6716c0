package org.backupscheduler.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatPathExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.backupscheduler.ssh.SshAccessException;
import org.backupscheduler.ssh.SshSession;
import org.backupscheduler.ssh.SshTarget;

/**
 * A folder on an SSH server through Apache MINA SSHD's SFTP client: key {@code k} is the file
 * {@code <path>/k}. The server's host key must be in {@code known-hosts} (unknown or changed:
 * refused, one line saying which); we log in with the key in {@code identity-file}. Writes go to a
 * temp name ({@code .k.tmp-<random>}, 0600 before the first byte) and are fsynced and renamed into
 * place with OpenSSH's posix-rename, which replaces the old object in one step.
 * <p>
 * One SSH session and one SFTP channel serve every thread, connected again when dropped. Do not
 * interrupt a thread inside a request: MINA can close the channel under every other user.
 */
public final class SftpStorage implements Storage {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FILE_MODE = 0600;
    private static final int DIR_MODE = 0700;

    private final Target target;
    private volatile Connection conn;
    private volatile boolean closed;
    private final Set<String> knownDirs = ConcurrentHashMap.newKeySet();

    /** One SSH session with its SFTP channel. */
    private record Connection(SshSession ssh, SftpClient sftp) {
        boolean isOpen() {
            return sftp.isOpen() && ssh.isOpen();
        }

        void close() {
            try {
                sftp.close();
            } catch (IOException e) {
                // the session goes next anyway
            } finally {
                ssh.close();
            }
        }
    }

    /** Where the folder is, and the files that prove who we and they are. */
    public record Target(String user, String host, int port, String path, Path identityFile, Path knownHosts) {
        public String url() {
            return "sftp://" + user + "@" + host + ":" + port + path;
        }
    }

    private SftpStorage(Target target, Connection conn) {
        this.target = target;
        this.conn = conn;
    }

    /** Connects, checks the host key, logs in and opens the SFTP channel. */
    public static SftpStorage open(Target t) throws IOException {
        return new SftpStorage(t, connect(t));
    }

    /**
     * The SFTP channel, connected again when the server or the network dropped the last one (a
     * daemon keeps its store for days; sshd restarts, idle connections get cut). The host key is
     * checked again each time.
     */
    private SftpClient sftp() throws IOException {
        Connection c = conn;
        if (c.isOpen()) {
            return c.sftp();
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("the SFTP store " + describe() + " was closed");
            }
            if (!conn.isOpen()) {
                conn.close();
                conn = connect(target);
            }
            return conn.sftp();
        }
    }

    /**
     * Whether the current connection is still open as far as the client knows. A drop the client
     * has not noticed yet costs the next request its timeout; the one after connects again.
     */
    boolean connected() {
        return conn.isOpen();
    }

    private static Connection connect(Target t) throws IOException {
        SshSession ssh;
        try {
            ssh = SshSession.open(new SshTarget(t.user(), t.host(), t.port(), t.identityFile(), t.knownHosts(),
                    "repository.sftp"));
        } catch (SshAccessException e) {
            throw switch (e.kind()) {
                case HOST_KEY -> new StorageAccessException(StorageAccessException.Kind.CONFIG, e.getMessage(),
                        "if the server's key is right, add it: ssh-keyscan -p " + t.port() + " " + t.host()
                                + " >> " + t.knownHosts() + " (compare its fingerprint first)", e);
                case LOGIN -> new StorageAccessException(StorageAccessException.Kind.CONFIG, "SFTP " + e.getMessage(),
                        "add the public key of repository.sftp.identity-file to ~" + t.user()
                                + "/.ssh/authorized_keys on " + t.host() + ", or fix the user in repository.url", e);
                case UNREACHABLE -> new StorageAccessException(StorageAccessException.Kind.UNREACHABLE,
                        "SFTP " + e.getMessage(), "check the host and port in repository.url and that sshd runs there", e);
            };
        }
        try {
            return new Connection(ssh, SftpClientFactory.instance().createSftpClient(ssh.session()));
        } catch (IOException | RuntimeException e) {
            ssh.close();
            throw new StorageAccessException(StorageAccessException.Kind.UNREACHABLE, "SFTP server " + t.host() + ":"
                    + t.port() + " opened no SFTP channel: " + e.getMessage(),
                    "check that sshd on " + t.host() + " has an sftp subsystem", e);
        }
    }

    @Override
    public long put(String key, InputStream content) throws IOException {
        SftpClient sftp = sftp();
        String file = path(key);
        int slash = file.lastIndexOf('/');
        String dir = file.substring(0, slash);
        String temp = dir + "/." + file.substring(slash + 1) + ".tmp-" + random();
        mkdirs(dir);
        long written;
        try {
            try (SftpClient.CloseableHandle h = call(key, () -> sftp.open(temp, OpenMode.Write, OpenMode.Create,
                    OpenMode.Exclusive))) {
                sftp.setStat(h, new Attributes().perms(FILE_MODE)); // 0600 before any byte of it
            }
            try (OutputStream out = sftp.write(temp, OpenMode.Write)) {
                written = content.transferTo(out);
            }
            fsync(temp);
            call(key, () -> {
                sftp.getExtension(OpenSSHPosixRenameExtension.class).posixRename(temp, file);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            try {
                sftp.remove(temp);
            } catch (IOException gone) {
                e.addSuppressed(gone);
            }
            throw e;
        }
        return written;
    }

    @Override
    public InputStream get(String key, ByteRange range) throws IOException {
        SftpClient sftp = sftp();
        String file = path(key);
        InputStream in = call(key, () -> sftp.read(file));
        if (range.isAll()) {
            return in;
        }
        long skipped = 0;
        while (skipped < range.offset()) {
            long n = in.skip(range.offset() - skipped);
            if (n <= 0) {
                break; // past the end: nothing left to read
            }
            skipped += n;
        }
        return new BoundedInputStream(in, range.length());
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        Keys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        String start = slash < 0 ? "" : prefix.substring(0, slash);
        List<StoredObject> found = new ArrayList<>();
        walk(start, prefix, found);
        found.sort(Comparator.comparing(StoredObject::key));
        return found;
    }

    private void walk(String dirKey, String prefix, List<StoredObject> found) throws IOException {
        SftpClient sftp = sftp();
        String dir = dirKey.isEmpty() ? target.path() : target.path() + "/" + dirKey;
        List<SftpClient.DirEntry> entries = new ArrayList<>();
        try {
            sftp.readDir(dir).forEach(entries::add); // read lazily: errors come as UncheckedIOException
        } catch (UncheckedIOException wrapped) {
            if (!(wrapped.getCause() instanceof SftpException e)) {
                throw wrapped.getCause();
            }
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return;
            }
            throw translate(dirKey, e);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return;
            }
            throw translate(dirKey, e);
        }
        for (SftpClient.DirEntry e : entries) {
            String name = e.getFilename();
            if (name.startsWith(".")) {
                continue; // ., .. and our temp names
            }
            String key = dirKey.isEmpty() ? name : dirKey + "/" + name;
            Attributes a = e.getAttributes();
            if (a.isDirectory() && (key + "/").regionMatches(0, prefix, 0, Math.min(prefix.length(), key.length() + 1))) {
                walk(key, prefix, found);
            } else if (a.isRegularFile() && key.startsWith(prefix)) {
                found.add(new StoredObject(key, a.getSize(), a.getModifyTime().toInstant()));
            }
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        SftpClient sftp = sftp();
        String file = path(key);
        try {
            Attributes a = sftp.stat(file);
            return a.isRegularFile() ? Optional.of(new StoredObject(key, a.getSize(), a.getModifyTime().toInstant()))
                    : Optional.empty();
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return Optional.empty();
            }
            throw translate(key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        SftpClient sftp = sftp();
        String file = path(key);
        try {
            sftp.remove(file);
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                throw translate(key, e);
            }
        }
    }

    /** The server's statvfs@openssh.com for the folder (or its nearest existing parent), where offered. */
    @Override
    public OptionalLong freeSpace() throws IOException {
        SftpClient sftp = sftp();
        OpenSSHStatPathExtension statvfs = sftp.getExtension(OpenSSHStatPathExtension.class);
        if (statvfs == null || !statvfs.isSupported()) {
            return OptionalLong.empty();
        }
        String p = target.path();
        while (true) {
            try {
                OpenSSHStatExtensionInfo info = statvfs.stat(p);
                return OptionalLong.of(info.f_bavail * info.f_frsize);
            } catch (SftpException e) {
                if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE || p.lastIndexOf('/') <= 0) {
                    return OptionalLong.empty();
                }
                p = p.substring(0, p.lastIndexOf('/'));
            }
        }
    }

    @Override
    public String describe() {
        return target.url();
    }

    @Override
    public synchronized void close() {
        closed = true;
        conn.close();
    }

    private String path(String key) {
        return target.path() + "/" + Keys.check(key);
    }

    /** Creates the missing folders down to {@code dir}, each 0700. */
    private void mkdirs(String dir) throws IOException {
        SftpClient sftp = sftp();
        if (knownDirs.contains(dir)) {
            return;
        }
        int cut = dir.lastIndexOf('/');
        if (cut > 0) {
            mkdirs(dir.substring(0, cut));
        }
        try {
            if (!sftp.stat(dir).isDirectory()) {
                throw new IOException("cannot write under " + dir + " on " + target.host() + ": not a folder");
            }
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                throw translate(dir, e);
            }
            try {
                sftp.mkdir(dir);
                sftp.setStat(dir, new Attributes().perms(DIR_MODE));
            } catch (SftpException raced) {
                if (!sftp.stat(dir).isDirectory()) { // another upload of ours made it meanwhile: fine
                    throw translate(dir, raced);
                }
            }
        }
        knownDirs.add(dir);
    }

    private void fsync(String file) throws IOException {
        SftpClient sftp = sftp();
        OpenSSHFsyncExtension fsync = sftp.getExtension(OpenSSHFsyncExtension.class);
        if (fsync != null && fsync.isSupported()) {
            try (SftpClient.CloseableHandle h = sftp.open(file, OpenMode.Read)) {
                fsync.fsync(h);
            }
        }
    }

    private interface SftpCall<T> {
        T run() throws IOException;
    }

    private <T> T call(String key, SftpCall<T> action) throws IOException {
        try {
            return action.run();
        } catch (SftpException e) {
            throw translate(key, e);
        }
    }

    private IOException translate(String key, SftpException e) {
        return switch (e.getStatus()) {
            case SftpConstants.SSH_FX_NO_SUCH_FILE -> {
                NoSuchFileException missing = new NoSuchFileException(key, null, "no object " + key + " in "
                        + describe());
                missing.initCause(e);
                yield missing;
            }
            case SftpConstants.SSH_FX_PERMISSION_DENIED -> new StorageAccessException(
                    StorageAccessException.Kind.CONFIG, "SFTP server " + target.host() + " denied " + target.user()
                    + " access to " + key + " under " + target.path(), "make " + target.path() + " on "
                    + target.host() + " owned by " + target.user() + " (mode 0700)", e);
            default -> e;
        };
    }

    private static String random() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
