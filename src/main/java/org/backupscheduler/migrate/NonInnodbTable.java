package org.backupscheduler.migrate;

/** A table that every backup must still copy under a lock (MyISAM, Aria, ARCHIVE, CSV, ...). */
public record NonInnodbTable(String schema, String table, String engine, long bytes) {

    /** The statement that removes the lock, identifiers quoted (a backtick doubled). */
    public String alterStatement() {
        return "ALTER TABLE " + quote(schema) + "." + quote(table) + " ENGINE=InnoDB;";
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
