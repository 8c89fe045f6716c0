package org.backupscheduler.config;

import org.backupscheduler.UserError;

/** The config is wrong; nothing has run yet. Exit 2. */
public final class ConfigException extends UserError {
    public ConfigException(String message, String hint) {
        super(message, hint, UserError.USAGE);
    }
}
