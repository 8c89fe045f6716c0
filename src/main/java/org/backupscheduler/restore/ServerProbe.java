package org.backupscheduler.restore;

import java.net.SocketException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * What one connection attempt says about a server. Only "nothing listens there" — connection
 * refused, or no such socket file — means {@link State#DOWN}. Any other failure (access denied
 * 1045, too many connections 1040, shutdown in progress, a connect timeout) comes from a server
 * that runs or may run: {@link State#UNREACHABLE}, with the server's own words, and a restore
 * must never take it for stopped. A TLS setting the server does not match is a config error and
 * is not caught here: {@link ServerConnections#open} throws it as exit 2.
 */
record ServerProbe(State state, String error) {

    enum State { UP, DOWN, UNREACHABLE }

    /** How long a server may take to send its handshake and answer the login. */
    private static final Duration ANSWER = Duration.ofSeconds(5);

    static ServerProbe of(Endpoint e) {
        try (Connection ignored = ServerConnections.open(e, ANSWER)) {
            return new ServerProbe(State.UP, null);
        } catch (SQLException ex) {
            String said = ex.getMessage() + (ex.getErrorCode() == 0 ? "" : " (error " + ex.getErrorCode() + ")");
            return new ServerProbe(nothingListens(ex) ? State.DOWN : State.UNREACHABLE, said);
        }
    }

    boolean is(State s) {
        return state == s;
    }

    /**
     * Connection refused (TCP, or a socket file nobody listens on) or no socket file at all. A
     * timeout is not in this list: a loopback connect that times out means a server too busy to
     * accept, not one that is gone.
     */
    static boolean nothingListens(Throwable ex) {
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage();
            // TCP gives a ConnectException; junixsocket a SocketException with the errno's text.
            if (c instanceof SocketException && (m.startsWith("Connection refused") || m.startsWith("No such file"))) {
                return true;
            }
        }
        return false;
    }
}
