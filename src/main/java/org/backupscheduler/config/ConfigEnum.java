package org.backupscheduler.config;

/** An enum whose YAML spelling is {@link #key()} (kebab-case), parsed strictly. */
public interface ConfigEnum {
    String key();
}
