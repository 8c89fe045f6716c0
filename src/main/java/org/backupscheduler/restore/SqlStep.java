package org.backupscheduler.restore;

import java.util.List;

/**
 * One statement with its bound parameters. The SQL text is what we log; parameters (the
 * replication password among them) are never logged.
 */
public record SqlStep(String sql, List<Object> params) {

    public SqlStep {
        params = List.copyOf(params);
    }

    static SqlStep of(String sql, Object... params) {
        return new SqlStep(sql, List.of(params));
    }
}
