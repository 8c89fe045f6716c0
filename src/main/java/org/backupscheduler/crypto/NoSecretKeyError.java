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
    private final String keyring;

    NoSecretKeyError(List<String> messageKeyIds, String keyring) {
        super("no secret key for this message: it is encrypted to key id" + (messageKeyIds.size() == 1 ? " " : "s ")
                        + String.join(", ", messageKeyIds) + "; encryption.secret-key-file holds " + keyring,
                "add the secret key of one of those key ids to encryption.secret-key-file (it may list several "
                        + "files; 'gpg --list-secret-keys --keyid-format long' shows subkey ids)", UserError.USAGE);
        this.messageKeyIds = List.copyOf(messageKeyIds);
        this.keyring = keyring;
    }

    /**
     * The same failure told for one backup, with the fingerprints its manifest records it was
     * encrypted to (the message itself names only subkey ids): what verify and restore print.
     */
    public UserError forBackup(String backupId, List<String> encryptedTo) {
        return new UserError("backup " + backupId + " is encrypted to " + String.join(", ", encryptedTo)
                + " (key id" + (messageKeyIds.size() == 1 ? " " : "s ") + String.join(", ", messageKeyIds)
                + "), but no secret key for it is in encryption.secret-key-file, which holds " + keyring,
                "add the secret key of " + (encryptedTo.size() == 1 ? "" : "one of ") + String.join(", ", encryptedTo)
                        + " to encryption.secret-key-file (it may list several files)", UserError.USAGE, this);
    }

    /** The 16-hex-digit key ids of the message's recipients (subkeys, as the message names them). */
    public List<String> messageKeyIds() {
        return messageKeyIds;
    }
}
