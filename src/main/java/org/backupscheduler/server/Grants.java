package org.backupscheduler.server;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The global privileges of the connected account, from {@code SHOW GRANTS}, and which of those
 * each job needs. Only the privilege list is kept: SHOW GRANTS also prints the password hash.
 */
public final class Grants {
    private static final Pattern GLOBAL = Pattern.compile("^GRANT (.+?) ON \\*\\.\\* TO ", Pattern.CASE_INSENSITIVE);

    /** What each job needs on MariaDB 10.11, in the order a DBA grants them. */
    public static final Map<String, String> NEEDED_BY = new LinkedHashMap<>();
    /** Needed only with {@code source.safe-slave-backup: true}. */
    public static final String SLAVE_ADMIN = "REPLICATION SLAVE ADMIN";
    /**
     * What SUPER still grants on 10.11, measured on the sandbox (SHOW BINARY LOGS, SHOW SLAVE
     * STATUS, KILL of another user's session, STOP SLAVE all work with SUPER alone), and what it
     * does not: FLUSH TABLES and SHOW ENGINE INNODB STATUS are refused without RELOAD and PROCESS.
     */
    private static final Set<String> COVERED_BY_SUPER = Set.of("BINLOG MONITOR", "SLAVE MONITOR",
            "CONNECTION ADMIN", SLAVE_ADMIN);

    static {
        NEEDED_BY.put("RELOAD", "the backup (BACKUP STAGE, FLUSH)");
        NEEDED_BY.put("PROCESS", "the backup (InnoDB status) and the lock policy (every session)");
        NEEDED_BY.put("BINLOG MONITOR", "the backup's binlog coordinates (without it mariabackup fails at the end)");
        NEEDED_BY.put("SLAVE MONITOR", "backing up a replica (freshness gate, --slave-info)");
        NEEDED_BY.put("CONNECTION ADMIN", "the lock policy (killing other users' sessions)");
        NEEDED_BY.put(SLAVE_ADMIN, "source.safe-slave-backup (the engine stops and starts the SQL thread)");
    }

    private Grants() {
    }

    public static Set<String> global(Connection c) throws SQLException {
        Set<String> privileges = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                Matcher m = GLOBAL.matcher(rs.getString(1));
                if (m.find()) {
                    for (String p : m.group(1).split(",")) {
                        privileges.add(p.strip().toUpperCase(Locale.ROOT));
                    }
                }
            }
        }
        return privileges;
    }

    /**
     * The needed privileges {@code have} lacks. ALL PRIVILEGES covers everything; SUPER only what
     * {@link #COVERED_BY_SUPER} lists. REPLICATION SLAVE ADMIN counts only when
     * {@code safeSlaveBackup} is on.
     */
    public static List<String> missing(Set<String> have, boolean safeSlaveBackup) {
        List<String> missing = new ArrayList<>();
        if (have.contains("ALL PRIVILEGES")) {
            return missing;
        }
        for (String p : NEEDED_BY.keySet()) {
            if (p.equals(SLAVE_ADMIN) && !safeSlaveBackup) {
                continue;
            }
            // REPLICATION CLIENT is MySQL's name for BINLOG MONITOR's scope (and SLAVE MONITOR's);
            // MariaDB 10.11 itself shows a granted REPLICATION CLIENT as BINLOG MONITOR.
            boolean aliased = have.contains("REPLICATION CLIENT")
                    && (p.equals("BINLOG MONITOR") || p.equals("SLAVE MONITOR"));
            boolean bySuper = have.contains("SUPER") && COVERED_BY_SUPER.contains(p);
            if (!have.contains(p) && !aliased && !bySuper) {
                missing.add(p);
            }
        }
        return missing;
    }
}
