package org.backupscheduler.locks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.backupscheduler.sandbox.SandboxServer;

/** What a DBA would look at during a pile-up: the sandbox's processlist, read as root. */
final class ServerProcesslist {
    private ServerProcesslist() {
    }

    record Row(long id, String user, String command, long time, String state, String info) {
        boolean is(String stateWanted, String infoPrefix) {
            return stateWanted.equals(state) && info != null && info.startsWith(infoPrefix);
        }

        @Override
        public String toString() {
            return id + " " + user + " " + command + " " + time + "s '" + state + "' " + info;
        }
    }

    static List<Row> rows(SandboxServer server) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT ID, USER, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST "
                        + "WHERE ID <> CONNECTION_ID() ORDER BY ID")) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6)));
            }
        }
        return rows;
    }

    /**
     * Polls until {@code seen} holds for one processlist (a bounded wait, not a timing claim) and
     * returns that processlist; fails naming {@code what} and the last processlist seen.
     */
    static List<Row> await(SandboxServer server, Duration timeout, String what, Predicate<List<Row>> seen)
            throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<Row> last;
        do {
            last = rows(server);
            if (seen.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("not seen within " + timeout.toSeconds() + "s: " + what + "; processlist:\n"
                + last.stream().map(Row::toString).collect(Collectors.joining("\n")));
    }

    static boolean has(List<Row> rows, long id) {
        return rows.stream().anyMatch(r -> r.id() == id);
    }
}
