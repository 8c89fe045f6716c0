package org.backupscheduler.catalog;

import org.backupscheduler.UserError;

/** The catalog could not be read or written. */
public final class CatalogException extends UserError {
    public CatalogException(String what, Throwable cause) {
        super("catalog: cannot " + what + (cause == null ? "" : ": " + cause.getMessage()),
                "check that the catalog database is reachable and not full (catalog.url)", UserError.FAILED, cause);
    }
}
