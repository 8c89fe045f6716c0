package org.backupscheduler.restore;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.backupscheduler.UserError;
import org.backupscheduler.engine.Coordinates;
import org.backupscheduler.engine.CredentialsFile;
import org.backupscheduler.replication.PrimaryBinlogs;
import org.backupscheduler.server.Endpoint;
import org.backupscheduler.server.ServerConnections;

/**
 * The events as the primary still has them in its binlogs, read over the replication protocol
 * ({@code mariadb-binlog --read-from-remote-server}: the account needs REPLICATION SLAVE). The
 * password goes to the tool in a 0600 option file, never in its argv.
 */
final class PrimaryEvents implements EventSource {
    private final Endpoint primary;
    private final String configKey;
    private CredentialsFile credentials;

    /** {@code configKey} names where the endpoint was configured, for messages. */
    PrimaryEvents(Endpoint primary, String configKey) {
        this.primary = primary;
        this.configKey = configKey;
    }

    @Override
    public String describe() {
        return "the binlogs of the primary " + primary.address() + " (" + configKey + ", as " + primary.user() + ")";
    }

    @Override
    public String missing(Coordinates from) {
        try (Connection c = ServerConnections.open(primary)) {
            return PrimaryBinlogs.read(c).missing(from);
        } catch (SQLException e) {
            throw new UserError("cannot read the binlog list of the primary " + primary.address() + " as "
                    + primary.user() + ": " + e.getMessage() + "; nothing was written", "check " + configKey
                    + ": its account needs REPLICATION SLAVE, BINLOG MONITOR", UserError.FAILED);
        }
    }

    @Override
    public String beyond(RecoveryTarget target) {
        if (target.gtid() == null) {
            return null;
        }
        String written;
        try (Connection c = ServerConnections.open(primary); var st = c.createStatement();
             var rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
            written = rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new UserError("cannot read @@gtid_binlog_pos of the primary " + primary.address() + ": "
                    + e.getMessage() + "; nothing was written", "check " + configKey, UserError.FAILED);
        }
        Map<String, Long> have = PrimaryBinlogs.seqByDomain(written == null ? "" : written);
        boolean reached = PrimaryBinlogs.seqByDomain(target.gtid()).entrySet().stream()
                .allMatch(e -> have.getOrDefault(e.getKey(), -1L) >= e.getValue());
        if (!reached) {
            return "the primary " + primary.address() + " has written up to GTID " + written + ", not yet "
                    + target.gtid();
        }
        return null;
    }

    /**
     * From the backup's binlog position (the first file named, {@code --to-last-log} across the
     * later ones), or from its GTID state when there is no position (a backup taken on a
     * replica, whose primary's position may be known by GTID alone).
     */
    @Override
    public List<String> events(Coordinates from, RecoveryTarget target) throws IOException {
        if (credentials == null) {
            credentials = CredentialsFile.write(primary);
        }
        List<String> argv = new ArrayList<>(List.of("mariadb-binlog", credentials.option(),
                "--read-from-remote-server", "--to-last-log"));
        if (from.binlogFile() != null && target.gtid() == null) {
            argv.add("--start-position=" + from.binlogPosition());
            argv.addAll(target.stopOptions());
            argv.add(from.binlogFile());
        } else if (from.gtid() != null) {
            // A GTID start wants a GTID (or time) stop: the tool refuses to mix the two kinds.
            argv.add("--start-position=" + from.gtid());
            argv.addAll(target.stopOptions());
            argv.add(firstFile(from));
        } else {
            throw new UserError("--until-gtid needs a backup that recorded its GTID position; backup at " + from
                    + " has none", "use --until 'TIME' instead", UserError.USAGE);
        }
        return argv;
    }

    private String firstFile(Coordinates from) throws IOException {
        if (from.binlogFile() != null) {
            return from.binlogFile();
        }
        try (Connection c = ServerConnections.open(primary)) {
            return PrimaryBinlogs.read(c).files().get(0);
        } catch (SQLException e) {
            throw new IOException("reading the binlog list of " + primary.address() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (credentials != null) {
            credentials.close();
        }
    }
}
