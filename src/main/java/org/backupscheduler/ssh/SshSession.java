package org.backupscheduler.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Duration;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

/**
 * The one way this program opens an SSH session (Apache MINA SSHD): the server's host key must be
 * in {@code known-hosts} (unknown or changed: refused, one line saying which), and we log in with
 * the key in {@code identity-file}, never a password. The SFTP store and the engine run on a
 * database host both start here.
 */
public final class SshSession implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SshTarget target;
    private final SshClient client;
    private final ClientSession session;

    private SshSession(SshTarget target, SshClient client, ClientSession session) {
        this.target = target;
        this.client = client;
        this.session = session;
    }

    /** Connects, checks the host key and logs in. */
    public static SshSession open(SshTarget t) throws SshAccessException {
        SshClient client = SshClient.setUpDefaultClient();
        HostKeyCheck hostKeys = new HostKeyCheck(t);
        client.setServerKeyVerifier(hostKeys);
        client.setKeyIdentityProvider(new FileKeyPairProvider(t.identityFile()));
        client.start();
        ClientSession session = null;
        try {
            session = client.connect(t.user(), t.host(), t.port()).verify(TIMEOUT).getSession();
            try {
                session.auth().verify(TIMEOUT);
            } catch (IOException e) {
                if (hostKeys.refusal != null) {
                    throw new SshAccessException(SshAccessException.Kind.HOST_KEY, hostKeys.refusal, e);
                }
                throw new SshAccessException(SshAccessException.Kind.LOGIN, "server " + t.host() + ":" + t.port()
                        + " refused user " + t.user() + " with the key in " + t.identityFile() + ": " + e.getMessage(), e);
            }
            return new SshSession(t, client, session);
        } catch (SshAccessException e) {
            closeQuietly(session, client);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(session, client);
            throw new SshAccessException(SshAccessException.Kind.UNREACHABLE, "server " + t.host() + ":" + t.port()
                    + " not reachable: " + (e instanceof ConnectException ? "connection refused" : e.getMessage()), e);
        }
    }

    public ClientSession session() {
        return session;
    }

    public SshTarget target() {
        return target;
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        closeQuietly(session, client);
    }

    private static void closeQuietly(ClientSession session, SshClient client) {
        try {
            if (session != null) {
                session.close(true);
            }
        } finally {
            client.stop();
        }
    }

    /** known-hosts, strictly: an unknown or changed key is refused, and we say which and why. */
    private static final class HostKeyCheck extends KnownHostsServerKeyVerifier {
        private final SshTarget target;
        private volatile String refusal;

        HostKeyCheck(SshTarget target) {
            super(RejectAllServerKeyVerifier.INSTANCE, target.knownHosts());
            this.target = target;
        }

        @Override
        protected boolean acceptUnknownHostKey(ClientSession s, SocketAddress remote, PublicKey key) {
            refusal = "host key of " + where(remote) + " (" + KeyUtils.getFingerPrint(key) + ") is not in "
                    + target.configKey() + ".known-hosts " + target.knownHosts() + ": refusing to connect";
            return false;
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession s, SocketAddress remote, KnownHostEntry entry,
                                               PublicKey expected, PublicKey actual) {
            refusal = "host key of " + where(remote) + " CHANGED: known-hosts " + target.knownHosts() + " has "
                    + KeyUtils.getFingerPrint(expected) + ", the server offers " + KeyUtils.getFingerPrint(actual)
                    + ": refusing to connect (someone may be in between)";
            return false;
        }

        private static String where(SocketAddress remote) {
            return String.valueOf(remote).replaceFirst("^.*/", "");
        }
    }
}
