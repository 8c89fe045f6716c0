package org.backupscheduler.schedule;

import java.time.Instant;

/** Who holds an instance's lease: enough for the loser to say whom it waited for. */
public record LeaseHolder(String owner, String host, long pid, Instant acquiredAt, Instant expiresAt) {

    public String describe() {
        return "pid " + pid + " on " + host + " since " + acquiredAt + " (lease until " + expiresAt + ")";
    }
}
