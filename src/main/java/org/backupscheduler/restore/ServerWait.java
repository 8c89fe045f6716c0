package org.backupscheduler.restore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/** Waits, bounded, for a server to accept connections or to stop accepting them. */
final class ServerWait {
    private ServerWait() {
    }

    static boolean isUp(Endpoint e) {
        try (Connection ignored = ServerConnections.open(e)) {
            return true;
        } catch (SQLException ex) {
            return false;
        }
    }

    static boolean until(Endpoint e, boolean up, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (isUp(e) == up) {
                return true;
            }
            Thread.sleep(250);
        }
        return isUp(e) == up;
    }
}
