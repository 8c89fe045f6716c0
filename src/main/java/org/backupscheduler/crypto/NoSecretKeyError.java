package org.backupscheduler.crypto;

import java.util.List;

import org.backupscheduler.UserError;

/**
 * The keyring holds no secret key that this message was encrypted to: the key that can read
 * it was rotated out of {@code encryption.secret-key-file}, or this is the wrong keyring.
 * Exit 2; both sides are named so the user can tell which key file is missing.
 */
public final class NoSecretKeyError extends UserError {
    private final List<String> messageKeyIds;

    NoSecretKeyError(List<String> messageKeyIds, String keyring) {
        super("no secret key for this message: it is encrypted to key id" + (messageKeyIds.size() == 1 ? " " : "s ")
                        + String.join(", ", messageKeyIds) + "; encryption.secret-key-file holds " + keyring,
                "add the secret key of one of those key ids to encryption.secret-key-file (it may list several "
                        + "files; 'gpg --list-secret-keys --keyid-format long' shows subkey ids)", UserError.USAGE);
        this.messageKeyIds = List.copyOf(messageKeyIds);
    }

    /** The 16-hex-digit key ids of the message's recipients (subkeys, as the message names them). */
    public List<String> messageKeyIds() {
        return messageKeyIds;
    }
}
