package org.backupscheduler.crypto;

import java.util.Locale;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.util.encoders.Hex;

/** Keys as gpg prints them: fingerprints as 40 (v4) upper-case hex digits, key ids as 16. */
final class KeyNames {
    private KeyNames() {
    }

    static String fingerprint(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
    }

    static String keyId(long id) {
        return String.format(Locale.ROOT, "%016X", id);
    }

    static String userId(PGPPublicKey primary) {
        var ids = primary.getUserIDs();
        return ids.hasNext() ? ids.next() : "(no user id)";
    }
}
