package org.backupscheduler.server;

import java.security.cert.CertificateException;
import java.security.cert.CertPathValidatorException;
import java.sql.SQLException;

import javax.net.ssl.SSLException;

import org.backupscheduler.UserError;
import org.backupscheduler.config.TlsConfig;

/**
 * What a failed connect means, in one line. A TLS setting the server does not match (a
 * certificate not signed by ca-file, a name it does not carry, no TLS offered while it is
 * required) is a config error: exit 2 with what to change, at the first connection, before
 * any change. Anything else stays an {@link SQLException} for the caller, with Connector/J's
 * several-line "Communications link failure" text cut to its first line and its cause.
 */
final class ConnectFailure {
    private ConnectFailure() {
    }

    static SQLException explain(Endpoint e, SQLException ex) {
        TlsConfig.Mode mode = e.tls().mode();
        String where = e.user() + "@" + e.address();
        String said = ex.getMessage() == null ? "" : ex.getMessage();
        if (said.contains("SSL Connection required, but not provided by server")) {
            throw new UserError(where + " does not offer TLS, and its tls.mode is " + mode.key(),
                    "give the server ssl-cert and ssl-key (docs/configuration.md, 'TLS'), or set tls.mode: preferred "
                            + "for this connection", UserError.USAGE, ex);
        }
        Throwable identity = find(ex, CertificateException.class, "identity verification failed");
        if (identity != null) {
            throw new UserError("TLS with " + where + " failed: its certificate does not name " + hostOf(e)
                    + " (tls.mode " + mode.key() + "): " + identity.getMessage(),
                    "connect by a name the certificate carries (its subjectAltName), or set tls.mode: verify-ca",
                    UserError.USAGE, ex);
        }
        Throwable chain = find(ex, CertPathValidatorException.class, null);
        if (chain != null) {
            throw new UserError("TLS with " + where + " failed: its certificate is not signed by the CA in "
                    + e.tls().caFile() + " (tls.mode " + mode.key() + "): " + chain.getMessage(),
                    "set tls.ca-file to the CA that signed the server's certificate (the server's ssl_ca), "
                            + "or tls.mode: required to encrypt without checking it", UserError.USAGE, ex);
        }
        Throwable handshake = find(ex, SSLException.class, null);
        if (handshake != null) {
            throw new UserError("TLS with " + where + " failed (tls.mode " + mode.key() + "): "
                    + handshake.getMessage(), "check the server's TLS setup (ssl-cert, ssl-key, tls_version) and "
                    + "tls: of this connection (docs/configuration.md)", UserError.USAGE, ex);
        }
        if (said.indexOf('\n') < 0) {
            return ex;
        }
        // "Communications link failure\n\nThe last packet sent ...": the first line and why.
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String line = said.lines().findFirst().orElse("").strip();
        if (root != ex && root.getMessage() != null) {
            line += ": " + root.getMessage().lines().findFirst().orElse("");
        }
        return new SQLException(line, ex.getSQLState(), ex.getErrorCode(), ex);
    }

    private static String hostOf(Endpoint e) {
        return e.host() != null ? e.host() : "localhost";
    }

    /** The first cause of {@code type} (whose message contains {@code text}, when given). */
    private static Throwable find(Throwable t, Class<? extends Throwable> type, String text) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c) && (text == null || c.getMessage() != null && c.getMessage().contains(text))) {
                return c;
            }
        }
        return null;
    }
}
