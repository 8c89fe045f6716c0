package org.backupscheduler.config;

/**
 * A value of the config that parses but means nothing (a schedule that is no cron expression, a
 * time zone that does not exist), thrown while the config is read; {@link ConfigLoader} turns it
 * into the usual one-line {@link ConfigException} naming the key, the value and the file.
 */
public final class ConfigValueException extends IllegalArgumentException {
    private final String key;
    private final String value;
    private final String hint;

    public ConfigValueException(String key, String value, String problem, String hint) {
        super(problem);
        this.key = key;
        this.value = value;
        this.hint = hint;
    }

    /** The error as the user reads it: "bad value 'V' for KEY in FILE: PROBLEM". */
    public ConfigException in(Object file) {
        return new ConfigException("bad value '" + value + "' for " + key + " in " + file + ": " + getMessage(), hint);
    }
}
