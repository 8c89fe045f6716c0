package org.backupscheduler.config;

import java.util.List;

/** {@code verify:}: levels run after every backup, and the deep restore drill's schedule. */
public record VerifyConfig(List<String> afterBackup, String deep) {

    public VerifyConfig {
        afterBackup = afterBackup != null ? List.copyOf(afterBackup) : List.of("structure", "checksum", "prepare");
        deep = deep != null ? deep : "@daily";
    }
}
