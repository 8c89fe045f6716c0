package org.backupscheduler.verify;

import java.util.Arrays;
import java.util.Locale;

import org.backupscheduler.UserError;

/** How deeply a backup is proven, cheapest first; each level is recorded on its own. */
public enum Level {
    /** The engine's files make sense and nothing that must be there is missing or empty. */
    STRUCTURE,
    /** Every file of the manifest is there with its size and checksum, and nothing else is. */
    CHECKSUM,
    /** The engine prepares a scratch copy (crash recovery applied) without error. */
    PREPARE,
    /** A throw-away server starts on the prepared copy and CHECK TABLE passes on every table. */
    DEEP;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Level of(String word) {
        return Arrays.stream(values()).filter(l -> l.word().equals(word)).findFirst().orElseThrow(() ->
                new UserError("unknown verification level '" + word + "' in verify.after-backup",
                        "use structure, checksum, prepare or deep", UserError.USAGE));
    }
}
